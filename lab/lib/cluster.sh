# shellcheck shell=bash disable=SC2034,SC2154
# The lab cluster's topology and its hosts' power, sourced by lab/lab.
# Addresses are examples/ocean's (confiture's address plan), inside the lab's
# own network namespaces: they never reach the machine's network.

tops=(top1 top2 top3)
workers=(worker01 worker02)
islets=(islet01 islet02)
vms=(admin1 batch1 infra1 infra2 ns1 ns2)
hypervisors=("${tops[@]}" "${workers[@]}")
physical=("${hypervisors[@]}" "${islets[@]}")
declare -A address=(
  [top1]=10.1.0.1 [top2]=10.1.0.2 [top3]=10.1.0.3 [worker01]=10.1.1.1 [worker02]=10.1.1.2
  [islet01]=10.1.4.1 [islet02]=10.1.4.2 [ns1]=10.1.2.1 [ns2]=10.1.2.2 [infra1]=10.1.2.11
  [infra2]=10.1.2.12 [admin1]=10.1.3.1 [batch1]=10.1.3.11 [ws]=10.1.9.1)
declare -A bmc=(
  [top1]=10.2.0.1 [top2]=10.2.0.2 [top3]=10.2.0.3 [worker01]=10.2.1.1 [worker02]=10.2.1.2
  [islet01]=10.2.4.1 [islet02]=10.2.4.2)
# Where fleet runs each VM (pcocc-vm-NAME.service).
declare -A placed=([infra1]=top1 [admin1]=top2 [ns1]=top2 [infra2]=top3 [ns2]=top3 [batch1]=worker01)
declare -A extra_services=([top1]=greenlight [ns1]=dnsmasq [ns2]=dnsmasq [admin1]=prometheus)

services_of() {
  local host=$1 list
  case " ${hypervisors[*]} " in
    *" $host "*) list="sshd glusterd fleet glusterfs-mounts" ;;
    *) case " ${islets[*]} " in *" $host "*) list="sshd fleet" ;; *) list=sshd ;; esac ;;
  esac
  echo "$list ${extra_services[$host]:-}"
}
# A host's PATH: the lab's stand-ins (/usr/local/sbin) first.
host_path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
machine_of() { printf '%s' "$1" | md5sum | cut -c1-32; }
ns_of() { echo "lab${LAB_ID}-$1"; }

# The PID (as this process sees it) of HOST's PID 1, when the host is up.
host_init() {
  local pid
  for pid in $(ip netns pids "$(ns_of "$1")" 2>/dev/null); do
    [[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) =~ ^[RSD]$ ]] || continue
    awk '/^NSpid:/ {exit !(NF > 2 && $NF == 1)}' "/proc/$pid/status" 2>/dev/null && {
      echo "$pid"
      return 0
    }
  done
  return 1
}

# Boots HOST: its link up, a new boot id, its PID 1 (lab/bin/lab-init) in
# new mount, UTS and PID namespaces inside its network namespace, running
# lab/host/boot.sh. Returns at once; the host's console is DIR/HOST/console.
boot_host() {
  local host=$1 ns
  ns=$(ns_of "$host")
  host_init "$host" >/dev/null && return 0
  cat /proc/sys/kernel/random/uuid >"$dir/$host/boot_id"
  ip -n "$ns" link set eth0 up
  # The moment its link came back, in the host's own record (as "link
  # down" in halt_host): from then on its address answers.
  printf '%s\tlab\tlink up\n' "$(date +%s%3N)" >>"$dir/$host/commands.log" 2>/dev/null || true
  # Its address announced, as a host's network bring-up does (lab/bin/lab-announce).
  setsid ip netns exec "$ns" /usr/bin/python3 "$here/bin/lab-announce" eth0 "${address[$host]}" \
    </dev/null >/dev/null 2>&1 &
  # Nothing of the caller (a BMC's sockets, its environment) is inherited
  # by the host.
  /usr/bin/python3 -c 'import os, sys; os.closerange(3, 65536); os.execvp(sys.argv[1], sys.argv[1:])' \
    env -i PATH="$host_path" HOME=/root LANG=C.UTF-8 setsid ip netns exec "$ns" unshare -m -u -p -f --mount-proc --propagation private \
    /usr/bin/python3 "$here/bin/lab-init" sh "$here/host/boot.sh" "$dir" "$host" \
    </dev/null >>"$dir/$host/console" 2>&1 &
}
# Takes HOST down at once: every process killed (a hypervisor's VMs with
# it), links down.
halt_host() {
  local host=$1 vm
  kill_netns "$(ns_of "$host")"
  ip -n "$(ns_of "$host")" link set eth0 down 2>/dev/null || true
  # The moment its address went silent, in the host's own record: with the
  # BMC's "chassis power 0" before it, the whole of a power gate's "off".
  printf '%s\tlab\tlink down\n' "$(date +%s%3N)" >>"$dir/$host/commands.log" 2>/dev/null || true
  for vm in "${vms[@]}"; do
    [[ ${placed[$vm]} == "$host" ]] || continue
    kill_netns "$(ns_of "$vm")"
    ip -n "$(ns_of "$vm")" link set eth0 down 2>/dev/null || true
  done
}

# What the BMC does on a power change (its on-power hook): off halts the host
# and tells fleet the machine is gone; on boots it.
power_hook() {
  local host=$1 state=$2
  if [[ $state == 0 ]]; then
    halt_host "$host"
    /usr/bin/python3 "$here/bin/fleet-agent" "$dir/fleet.json" power "$(machine_of "$host")" off
    echo "$(date -u +%T) $host powered off"
  else
    /usr/bin/python3 "$here/bin/fleet-agent" "$dir/fleet.json" power "$(machine_of "$host")" on
    boot_host "$host"
    echo "$(date -u +%T) $host powered on"
  fi
}

# ipmitool against HOST's BMC from the workstation's namespace (the BMC
# network is reachable only from inside the lab).
bmc_power() {
  local host=$1
  shift
  ip netns exec "$(ns_of ws)" ipmitool -I lanplus -H "${bmc[$host]}" -U admin -P lab-bmc -C 3 \
    chassis power "$@"
}
