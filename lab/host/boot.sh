#!/bin/sh
# The boot of a lab host, run by its PID 1 (lab/bin/lab-init) inside the
# host's own network, mount, UTS and PID namespaces:
#   boot.sh DIR HOST
# DIR/HOST/host.env says what the host runs (SERVICES). Every file the host
# sees as its own is bind-mounted from DIR in its private mount namespace:
# /etc/hosts (DIR/HOST/hosts: the records the site tags critical, a copy of
# DIR/etc/hosts of the host's own), /etc/resolv.conf (the
# lab's DNS VMs), /etc/hostname, /usr/local/sbin (the lab's stand-ins of
# systemctl, poweroff and fleetctl, first on PATH), a new boot id, /mnt, a
# tmpfs /run; /var/lib/glusterd and /var/log/glusterfs on hypervisors.
set -eu
dir=$1 host=$2
hd=$dir/$host
. "$hd/host.env"
# /run/netns stays visible (a hypervisor's fleet agent starts its VMs).
mount --rbind /run/netns "$hd/netns"
mount --bind "$dir/etc/resolv.conf" /etc/resolv.conf
mount --bind "$hd/hosts" /etc/hosts
mount --bind "$hd/hostname" /etc/hostname
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -p /run/netns /run/sshd /run/lock
mount --rbind "$hd/netns" /run/netns
mount --bind "$dir/sbin" /usr/local/sbin
mount --bind "$hd/boot_id" /proc/sys/kernel/random/boot_id
mount --bind "$hd/mnt" /mnt
hostname "$host"
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH
echo "$(date -u +%T.%N | cut -c1-12) $host boots (boot id $(cat /proc/sys/kernel/random/boot_id))"
for service in $SERVICES; do
  systemctl start "$service" || echo "$host: $service did not start"
done
echo "$(date -u +%T.%N | cut -c1-12) $host is up"
