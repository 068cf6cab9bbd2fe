#!/usr/bin/env bash
# The lab cluster (lab/lab) up, greenlight's checks of the procedure green
# against it from top1, DNS lost and back with the DNS VMs, a short restart
# executed by greenlight serve on top1 (a VM stopped and started by fleet,
# the islet workers powered off over SSH and on by their BMCs, top1
# powering itself off, powered on from the workstation through its BMC,
# serve started by its boot, the run resumed), then down: nothing left
# (namespaces, processes, mounts, files outside its folder).
set -uo pipefail
src=${GREENLIGHT_SOURCE_DIR:?}
gl=$(realpath "${GREENLIGHT:?}")
source "$(dirname "$0")/../support/check.sh"
started=$(date +%s%N)
work=$(mktemp -d /tmp/greenlight-lab-cluster-XXXXXX)
dir=$work/lab   # the lab's own folder; the test's files stay beside it
lab=(bash "$src/lab/lab" -d "$dir")
trap '"${lab[@]}" down >/dev/null 2>&1; rm -rf "$work"' EXIT
[ -n "${KEEP:-}" ] && trap - EXIT && echo "keeping $work"
ms() { echo $((($(date +%s%N) - $1) / 1000000)); }
on() { "${lab[@]}" exec "$@"; }
resolves() { on top1 getent hosts "$1" >/dev/null; }   # through top1's NSS path
unresolved() { ! resolves "$1"; }
# What a lab must not leave behind.
outside() {
  ls -A /var/lib/glusterd /var/log/glusterfs | md5sum
  md5sum </etc/hosts
  md5sum </etc/resolv.conf
}
before=$(outside)

t=$(date +%s%N)
out=$("${lab[@]}" up --greenlight "$gl" 2>&1); rc=$?
up_ms=$(ms "$t")
check "lab up (rc $rc, $up_ms ms): $(tail -3 <<<"$out")" test "$rc" -eq 0
[ "$rc" -eq 0 ] || { "${lab[@]}" status; exit 1; }
source "$dir/cluster.env"
# A bound that tells a hang from a slow machine, not the target: make demo
# times the lab's start (bench/RESULTS.md).
check "lab up under 120 s ($up_ms ms)" test "$up_ms" -lt 120000
export GREENLIGHT_CONFIG=$dir/site/site.yaml
unset GREENLIGHT_CONTROL_SOCKET   # serve on top1 listens where the lab's site says

out=$(on top1 "$gl" -c "$dir/site/site.yaml" check gluster-peers gluster-volumes gluster-heal ping fleet-units dns-critical name-resolution 2>&1); rc=$?
check "the procedure's checks are green from top1 (rc $rc)" test "$rc" -eq 0
[ "$rc" -eq 0 ] || echo "$out"
check "the pool holds the five hypervisors" grep -q "gluster-peers.*OK" <<<"$out"
for host in top1 worker02; do
  check "$host mounts both volumes" test "$(on "$host" sh -c 'grep -c " /mnt/volspoms[12] fuse.glusterfs " /proc/mounts')" -eq 2
done
check "worker02 is logged into with greenlight's key" \
  test "$(on top1 ssh -i "$dir/ssh/id_ed25519" -o UserKnownHostsFile="$dir/ssh/known_hosts" -o BatchMode=yes 10.1.1.2 hostname)" = worker02
check "worker02 recorded the command it received over SSH" grep -q $'\tssh\thostname$' "$dir/worker02/commands.log"
check "top1 recorded its boot's systemctl" grep -q $'\tsystemctl\tstart sshd$' "$dir/top1/commands.log"
# A critical record missing from one worker's hosts file: it still resolves
# there through the DNS VMs (up), which proves nothing for the time they are
# down. dns-critical reads every top's and worker's hosts file and names the
# record with the host.
grep -v -w top2-data "$dir/etc/hosts" >"$work/worker02-hosts"
on worker02 mount --bind "$work/worker02-hosts" /etc/hosts
check "worker02 resolves top2-data through DNS" on worker02 sh -c "getent hosts top2-data >/dev/null"
out=$(on top1 "$gl" -c "$dir/site/site.yaml" check dns-critical 2>&1); rc=$?
check "a record missing on worker02 makes dns-critical critical (rc $rc)" test "$rc" -eq 2
check "naming the record and the host ($out)" grep -qF "top2-data not in the hosts file of worker02" <<<"$out"
on worker02 umount /etc/hosts
out=$(on top1 "$gl" -c "$dir/site/site.yaml" check dns-critical 2>&1); rc=$?
check "the record back: dns-critical OK (rc $rc: $out)" test "$rc" -eq 0
check "admin1 resolves through the DNS VMs" resolves admin1
on top1 fleetctl stop --no-block pcocc-vm-ns1 pcocc-vm-ns2 >/dev/null
for _ in $(seq 50); do resolves admin1 || break; sleep 0.2; done
check "with ns1 and ns2 stopped, admin1 no longer resolves" unresolved admin1
check "critical records still resolve (/etc/hosts)" resolves top2-data
# The peers check of start-up runs in this state: every peer name is in the
# hosts files, so resolving it never waits on the DNS VMs.
t=$(date +%s%N)
out=$(on top1 "$gl" -c "$dir/site/site.yaml" check name-resolution -o json 2>&1); rc=$?
nr_ms=$(ms "$t")
nr_s=$(jq -r '.checks[0].duration_seconds' <<<"$out" 2>/dev/null)
echo "name-resolution with the DNS VMs down: ${nr_s:-?} s of its own, $nr_ms ms with greenlight's start"
check "with DNS down, every peer name resolves fast on every hypervisor (rc $rc, $nr_ms ms in all: $out)" test "$rc" -eq 0
# Names are looked up one at a time while they are fast (the check times the
# resolver, not a queue for the CPUs): five names through nss and files on
# five hosts. A name that waited on the DNS VMs (1 s and more each, the
# resolver's timeout) would have made it WARNING above.
check "name-resolution over SSH to the five hypervisors under 3 s (${nr_s:-?} s)" \
  awk -v s="${nr_s:-9}" 'BEGIN { exit !(s < 3) }'
on top1 fleetctl start --no-block pcocc-vm-ns1 pcocc-vm-ns2 >/dev/null
for _ in $(seq 100); do resolves admin1 && break; sleep 0.2; done
check "ns1 and ns2 started again: admin1 resolves" resolves admin1

boot_top1=$(on top1 cat /proc/sys/kernel/random/boot_id)
boot_islet=$(on islet01 cat /proc/sys/kernel/random/boot_id)
t=$(date +%s%N)
out=$("$gl" runbook exec short-restart --yes 2>&1 </dev/null); rc=$?
echo "$out" >"$work/exec.out"
check "exec through serve on top1 ends as top1 powers itself off (rc $rc)" test "$rc" -eq 4
[ "$rc" -eq 4 ] || tail -20 "$work/exec.out"
check "islet01 was powered off over SSH" grep -q "islet01 (1): ok" <<<"$out"
check "islet02 was powered off over SSH" grep -q "islet02 (1): ok" <<<"$out"
run=$(basename "$(dirname "$(ls "$dir"/runs/short-restart-*/journal | head -1)")")
for _ in $(seq 50); do [[ $("${lab[@]}" power top1 status 2>&1) == *off ]] && break; sleep 0.2; done
check "top1's chassis is off" grep -q "is off" <<<"$("${lab[@]}" power top1 status 2>&1)"
check "top1 is down (no process left)" test -z "$(ip netns pids "lab$LAB_ID-top1")"
check "status: the run waits for top1's boot" grep -q "powered off" <<<"$("$gl" runbook status 2>&1)"
"${lab[@]}" power top1 on >/dev/null
for _ in $(seq 300); do [ -S "$dir/control.sock" ] && "${lab[@]}" ws curl -sf http://10.1.0.1:9877/-/ready >/dev/null 2>&1 && break; sleep 0.2; done
check "top1's boot started serve again" "${lab[@]}" ws curl -sf -o /dev/null http://10.1.0.1:9877/-/ready
check "top1 has a new boot id" test "$(on top1 cat /proc/sys/kernel/random/boot_id)" != "$boot_top1"
out=$("$gl" runbook resume "$run" --yes 2>&1 </dev/null); rc=$?
echo "$out" >"$work/resume.out"
check "resume through the new serve finishes (rc $rc)" test "$rc" -eq 0
[ "$rc" -eq 0 ] || tail -20 "$work/resume.out"
run_ms=$(ms "$t")
check "it saw top1 come back" grep -q "this host powered off and came back up" <<<"$out"
check "islet01 booted again (new boot id)" test "$(on islet01 cat /proc/sys/kernel/random/boot_id)" != "$boot_islet"
check "batch1 runs again" grep -q "batch1.*active.*running" <<<"$(on top1 fleetctl list-units)"
log=$("$gl" runbook log "$run" 2>&1)
check "journal: every phase finished, then the run" test "$(grep -c phase-finished <<<"$log")" -eq 5
check "journal: run-finished" grep -q run-finished <<<"$log"

t=$(date +%s%N)
"${lab[@]}" down; rc=$?
down_ms=$(ms "$t")
check "lab down (rc $rc, $down_ms ms)" test "$rc" -eq 0
check "no namespace of the lab left" test -z "$(ip netns list | grep "^lab$LAB_ID-")"
check "no process of the lab left" test -z "$(pgrep -f "$dir" || true)"
check "no mount of the lab left" bash -c "! grep -q '$dir' /proc/self/mountinfo"
check "its folder is gone" test ! -e "$dir"
check "nothing changed outside it" test "$(outside)" = "$before"
"${lab[@]}" down; rc=$?
check "down twice is harmless (rc $rc)" test "$rc" -eq 0

echo "lab cluster: up $up_ms ms, short restart $run_ms ms, down $down_ms ms"
echo "lab cluster: $passed passed, $failed failed in $(ms "$started") ms"
[ "$failed" -eq 0 ]
