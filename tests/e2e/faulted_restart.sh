# shellcheck shell=bash disable=SC2154,SC2034
# The same restart with faults injected at their moments and repaired by the
# test, sourced by restart_test.sh after clean_restart.sh:
#   3  a slow peer before the preflight: its gate red naming the peer and its
#      RTT; repaired, the run goes on;
#   9  a critical record (top2-data) missing from worker02's hosts file:
#      the preflight refuses to start the shutdown naming the record and
#      worker02 alone (dns_critical reads the hosts files alone: the DNS VMs
#      still answer it);
#  10  the operator's terminal lost (exec's client killed) while the
#      preflight waits: the run goes on in serve; attach from another
#      terminal shows it and answers its next questions (the preflight's
#      manual step, stop-vms' confirmation);
#   7  serve killed (SIGKILL) while stop-vms' confirmation is asked: started
#      again, resumed, the question asked again (serve_crash.sh);
#  10  again, the resumed run's terminal lost during stop-vms: attach
#      answers the poweroff's confirmation;
#   4  (part stuck) batch1 stuck for good on worker01 beside admin1: the
#      remedy's two attempts, the gate still red naming batch1 and
#      worker01, the shutdown held until the operator frees it (stuck_vm.sh);
#   6  (part lost) worker02 lost during the unmount step: the step fails on
#      worker02 alone, retry-failed runs it there only (node_lost.sh);
#   5  GlusterFS clients left once the unmount step ran: a worker's mount
#      (worker01) and a VM's (admin1, started again through fleet, mounting
#      volspoms2): the volumes are not stopped, the clients gate names both,
#      then the VM alone; self-heal daemons do not block;
#   8  serve killed again right after top1's boot, before the resume;
#   7  serve killed while start-volumes' `gluster volume start` runs (put to
#      the operator, answered from glusterd's record) and while heal-volumes
#      waits for its gate (waited on afresh);
#   2  heals pending after the startup (self-heal off on a volume while a
#      brick was down): the run waits at the heal gate, /api/v1/gates, the
#      status page and /metrics name the volume, bricks and counts, the
#      stuck-heal alert fires under promtool; heal on releases it;
#  11  (part bmc) islet02's BMC not answering at the islets' power-on: the
#      step fails on islet02 alone, retry-failed once repaired (bmc_down.sh).
# At the end no command of the procedure ran twice on any host (but what
# the operator had run again: the remedy's, the lost node's retry), and
# each host's BMC powered it on once in the startup.
# Sets faulted_ms.
since=$(now_ms)
faulted_started=$since
"${lab[@]}" fault slow top2 400 >/dev/null
stuck_vm_inject   # admin1 stuck: the stop-vms gate's remedy releases it (stuck_vm.sh)
# 9: each host's /etc/hosts is DIR/HOST/hosts bind-mounted: edited in place.
hosts_file=$(cat "$dir/worker02/hosts")
grep -v ' top2-data$' <<<"$hosts_file" >"$dir/worker02/hosts"
check "faulted: top2-data is gone from worker02's /etc/hosts" test -z "$(on worker02 grep top2-data /etc/hosts)"
check "faulted: ... and still in top1's" test -n "$(on top1 grep top2-data /etc/hosts)"
terminal terminal   # the operator's terminal, kept open
printf 'done\n' >&"$tty"   # the preflight's manual step; the confirmation once asked
timeout -k 10 600 "$gl" runbook exec restart --yes <"$work/terminal" >"$work/faulted.exec.out" 2>&1 &
client=$!
wait_for 30 newest_run restart "${clean_run:-}" >/dev/null
run=$(newest_run restart "${clean_run:-}")
journal=$(journal_of "$run")

# 3: slow peer.
wait_record 60 "$journal" gate-waiting preflight >/dev/null
# top2 answers 400 ms late: its own RTT named, 400 ms or more (fping's
# verdict writes "top2 average RTT 401 ms >= 50 ms", three digits or an exponent).
slow_rtt='top2 average RTT ([4-9][0-9]{2}(\.[0-9]+)?|[0-9.]+e\+0[3-9]) ms'
wait_for 60 gate_says cluster-healthy red "$slow_rtt"
check "faulted: the preflight's gate is red naming top2 and its RTT: $(gate_json cluster-healthy | cut -c1-300)" \
  gate_says cluster-healthy red "$slow_rtt"
check "faulted: no preflight step started while the peer is slow" test -z "$(record "$journal" step-started preflight)"
check "faulted: top1 received no fleetctl stop" test "$(count_of "$since" 'fleetctl stop' top1)" -eq 0
"${lab[@]}" repair ping top2 >/dev/null
repaired=$(now_ms)
green=$(wait_record 120 "$journal" gate-green preflight)
echo "e2e: slow peer repaired, the preflight's gate green $(($(cut -f1 <<<"$green") - repaired)) ms later"

# 9: the preflight's second gate, critical-dns-resolves.
dns_refused() { gate_says critical-dns-resolves red 'top2-data' || [ -n "$(record "$journal" gate-green preflight critical-dns-resolves)" ]; }
wait_for 30 dns_refused
check "faulted: the preflight refuses, naming the missing record and worker02: $(gate_json critical-dns-resolves | cut -c1-300)" \
  gate_says critical-dns-resolves red 'top2-data not in the hosts file of worker02'
check "faulted: ... and no other host (the others' files have it)" \
  bash -c '! sed "s/top2-data//g" <<<"$1" | grep -Eq "top[0-9]|worker01"' _ "$(gate_json critical-dns-resolves)"
check "faulted: ... and no preflight step started" test -z "$(record "$journal" step-started preflight)"

# terminal_lost WHO: the client following the run ($client: its timeout,
# reading the terminal $tty) killed with SIGKILL, as a terminal that is
# lost takes it (no chance to detach); the run goes on in serve without it.
terminal_lost() {
  local state
  pkill -KILL -P "$client" 2>/dev/null
  wait "$client" 2>/dev/null
  exec {tty}>&-
  sleep 1
  state=$(run_state "$run")
  check "faulted: $1 killed, the run goes on in serve (state $state)" grep -Eq '^(running|waiting)$' <<<"$state"
}

# 10: the operator's terminal lost while the preflight waits: exec's client
# killed; attach, from another terminal, follows the run from then on.
terminal_lost "exec's client"
check "faulted: ... still at the preflight's gates (no step started)" test -z "$(record "$journal" step-started preflight)"
terminal terminal-attach
printf 'done\n' >&"$tty"   # the preflight's manual step, once asked
timeout -k 10 600 "$gl" runbook attach "$run" <"$work/terminal-attach" >"$work/faulted.attach-preflight.out" 2>&1 &
client=$!
client_out=faulted.attach-preflight.out   # crash_at_confirm reads it
wait_for 30 grep -Eq 'preflight|critical-dns-resolves' "$work/$client_out"
check "faulted: attach shows the run waiting at the preflight" grep -Eq 'preflight|critical-dns-resolves' "$work/$client_out"
printf '%s\n' "$hosts_file" >"$dir/worker02/hosts"
check "faulted: ping repaired, the preflight's gates turn green and the run goes on" test -n "$green"
crash_at_confirm   # 7: confirm, asked by attach
check "faulted: attach answered the preflight's manual step (journal)" \
  test -n "$(record "$journal" step-finished preflight)"

# 10 again: the resumed run's terminal lost during stop-vms.
wait_record 120 "$journal" gate-waiting stop-vms >/dev/null
terminal_lost "resume's client"
terminal terminal2   # another terminal: answers typed once asked
timeout -k 10 900 "$gl" runbook attach "$run" <"$work/terminal2" >"$work/faulted.attach.out" 2>&1 &
attach=$!
part stuck && stuck_vm_hard   # 4: batch1 stuck for good: the operator frees it
check "faulted: stop-dns-vms started with no client" test -n "$(wait_record 180 "$journal" phase-started stop-dns-vms)"
part lost && node_lost_arm    # 6: worker02 will hold the unmount
check "faulted: attach shows the run" grep -q "stop-vms\|stop-dns-vms" "$work/faulted.attach.out"
stuck_vm_released
part lost && node_lost faulted.attach.out   # 6: worker02 lost during the unmount

# 5: GlusterFS clients left once the unmount step ran: a worker's mount,
# and a VM's (admin1 started again through fleet meanwhile, mounting the
# other volume: the unmount step runs on the hypervisors only).
wait_record 180 "$journal" step-finished unmount-glusterfs >/dev/null
on worker01 mount -t glusterfs top1:/volspoms1 /mnt/volspoms1
check "faulted: worker01 mounted volspoms1 again (its /proc/mounts)" on worker01 grep -q " /mnt/volspoms1 fuse.glusterfs " /proc/mounts
on top1 fleetctl start pcocc-vm-admin1.service >/dev/null
admin1_runs() { grep -qx admin1 <<<"$(running_vms)"; }
wait_for 60 admin1_runs
check "faulted: admin1 started again through fleet (fleet, and its processes)" admin1_runs
on admin1 mkdir -p /mnt/volspoms2
wait_for 30 on admin1 mount -t glusterfs top1:/volspoms2 /mnt/volspoms2
check "faulted: the VM admin1 mounted volspoms2 (its /proc/mounts)" on admin1 grep -q " /mnt/volspoms2 fuse.glusterfs " /proc/mounts
mounted=$(now_ms)
vm_client='10\.1\.3\.1([^0-9]|$)'   # admin1's address: no host of the site, named by address
wait_for 60 gate_says no-glusterfs-clients red 'worker01' "$vm_client"
check "faulted: the clients gate is red naming worker01 and the VM (admin1's address): $(gate_json no-glusterfs-clients | cut -c1-400)" \
  gate_says no-glusterfs-clients red 'worker01' "$vm_client"
# clients_read SINCE_MS PATTERN...: a result of gluster-clients started
# after SINCE_MS, red, its message matching every PATTERN.
clients_read() {
  local since=$1 entry
  shift
  entry=$(api /api/v1/checks | /usr/bin/python3 -c '
import json, sys
c = [c for c in json.load(sys.stdin)["checks"] if c["check"] == "gluster-clients"]
if c and c[0]["started"] * 1000 > int(sys.argv[1]) and c[0]["status"] == "CRITICAL":
    print(c[0]["message"])' "$since" 2>/dev/null)
  [ -n "$entry" ] && says "$entry" "$@"
}
# Longer than the gate's stable_for (10 s) after both mounts, still red.
wait_for 90 clients_read $((mounted + 10000)) 'worker01' "$vm_client"
check "faulted: read red again beyond the gate's stable_for, both clients named" clients_read $((mounted + 10000)) 'worker01' "$vm_client"
check "faulted: the volumes are not stopped (journal)" test -z "$(record "$journal" phase-started stop-volumes)"
check "faulted: the volumes are not stopped (top1's glusterd)" test "$(count_of "$since" 'volume stop' top1)" -eq 0
on worker01 umount /mnt/volspoms1
unmounted=$(now_ms)
# The VM's client of volspoms2 named, volspoms1 no longer blocking; the
# workers, whose self-heal daemons hold a connection to every brick (every
# peer runs one), are not named.
vm_alone() {
  clients_read "$unmounted" 'volspoms2' "$vm_client" && ! clients_read "$unmounted" 'client of volspoms1' &&
    ! clients_read "$unmounted" 'worker0'
}
wait_for 60 vm_alone
check "faulted: worker01 unmounted, the VM's mount alone keeps the gate red, named by address: $(api /api/v1/checks | grep -o '"check": "gluster-clients"[^}]*' | cut -c1-400)" vm_alone
# glusterd's own count (top1): a FUSE client of volspoms2 (the VM's), none of volspoms1.
fuse_counts=$(on top1 gluster volume status all client-list 2>&1 | awk '/^Client connections for volume/ { v = $NF } $1 == "fuse" { print v, $2 }' | tr '\n' ' ')
check "faulted: glusterd counts one FUSE client, of volspoms2 ($fuse_counts)" test "$fuse_counts" = "volspoms2 1 "
check "faulted: ... the volumes still not stopped (journal)" test -z "$(record "$journal" phase-started stop-volumes)"
on top1 fleetctl stop pcocc-vm-admin1.service >/dev/null
green=$(wait_record 90 "$journal" gate-green unmount-glusterfs)
check "faulted: admin1 stopped, the clients gate turns green" test -n "$green"
check "faulted: ... while the self-heal daemons run on top1" test -n "$(on top1 pgrep -f glustershd)"

# 10 again: attach answers the next question, the poweroff's confirmation.
wait_for 120 grep -q "Power off every hypervisor" "$work/faulted.attach.out"
check "faulted: attach asked the poweroff's confirmation" grep -q "Power off every hypervisor" "$work/faulted.attach.out"
echo y >&"$tty"
wait "$attach"
rc=$?
exec {tty}>&-
check "faulted: attach ends as top1 powers itself off (rc $rc)" test "$rc" -eq 4
[ "$rc" -eq 4 ] || tail -20 "$work/faulted.attach.out"
check "faulted: journal: confirmation answered, the hypervisors powered off" test -n "$(record "$journal" phase-finished poweroff-hypervisors)"
startup_from=$(now_ms)
power_cycle_top1 faulted
crash_after_boot   # 8's second crash
hold_volume_start  # 7: top1 will hold `gluster volume start volspoms1` (serve_crash.sh)
timeout -k 10 600 "$gl" runbook resume "$run" --yes </dev/null >"$work/faulted.resume.out" 2>&1 &
resume=$!
crash_in_run_step   # 7: run
crash_in_gate       # 7: gate wait

# 2: heals pending after the startup.
# heal on|off: every self-heal option of volspoms1 set, each read back from
# glusterd (a set can be refused while a check's transaction runs).
heal() {
  local option
  for option in self-heal-daemon data-self-heal metadata-self-heal entry-self-heal; do
    wait_for 30 bash -c 'v=$1; shift; "$@" gluster volume set volspoms1 "cluster.$0" "$v" >/dev/null 2>&1 &&
      "$@" gluster volume get volspoms1 "cluster.$0" | grep -Eq "cluster.$0 +$v( |$)"' \
      "$option" "$1" "${lab[@]}" exec top1
    check "faulted: volspoms1's cluster.$option is $1 (glusterd)" \
      bash -c 'v=$1; shift; "$@" gluster volume get volspoms1 "cluster.$0" | grep -Eq "cluster.$0 +$v( |$)"' \
      "$option" "$1" "${lab[@]}" exec top1
  done
}
heal off
"${lab[@]}" fault brick-down top3 volspoms1 >/dev/null
wait_for 30 on top1 grep -q " /mnt/volspoms1 fuse.glusterfs " /proc/mounts
on top1 sh -c 'for i in $(seq 20); do echo entry >/mnt/volspoms1/e2e-$i; done'
"${lab[@]}" repair bricks volspoms1 >/dev/null
# Entries pending: a count of one or more, never "0 entries".
wait_for 60 gate_says volumes-healed red 'volspoms1' 'top[12]:' '(^|[^0-9])[1-9][0-9]* entr'
check "faulted: the heal gate is red naming the volume, bricks and counts: $(gate_json volumes-healed | cut -c1-300)" \
  gate_says volumes-healed red 'volspoms1' 'top[12]:' '(^|[^0-9])[1-9][0-9]* entr'
pending=$(api /metrics | grep -E '^gluster_volume_heal_count\{.*volume="volspoms1".*\} [1-9]')
check "faulted: /metrics: entries pending on volspoms1's bricks ($(wc -l <<<"$pending") series)" test -n "$pending"
source "$here/heal_alert.sh"
page=$(timeout 60 chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
  --disable-extensions --user-data-dir="$work/chromium" --virtual-time-budget=5000 --dump-dom \
  "http://127.0.0.1:$(cat "$dir/forward.port")/" 2>/dev/null)
check "faulted: the status page names volumes-healed, volspoms1, its bricks and entries" \
  bash -c 'grep -q volumes-healed <<<"$1" && grep -q volspoms1 <<<"$1" && grep -Eq "top[12]:" <<<"$1" &&
    grep -Eq "(^|[^0-9])[1-9][0-9]* entr" <<<"$1"' _ "$page"
check "faulted: the run waits: power-on-islet-workers not started" test -z "$(record "$journal" phase-started power-on-islet-workers)"
part bmc && bmc_arm   # 11: islet02's BMC stops answering
on_at=$(now_ms)
heal on
healed() { api /api/v1/checks | /usr/bin/python3 -c '
import json, sys
c = [c for c in json.load(sys.stdin)["checks"] if c["check"] == "gluster-heal"]
sys.exit(0 if c and c[0]["status"] == "OK" and c[0]["started"] * 1000 > int(sys.argv[1]) else 1)' "$on_at"; }
wait_for 60 healed
healed_ms=$(($(now_ms) - on_at))
check "faulted: heal on: nothing left to heal within seconds ($healed_ms ms)" test "$healed_ms" -lt 20000
echo "e2e: heal on, nothing left to heal $healed_ms ms later"
green=$(wait_record 150 "$journal" gate-green heal-volumes)
check "faulted: the heal gate turns green (its stable_for after)" test -n "$green"
part bmc && bmc_down faulted.resume.out   # 11: the islets' power-on
finished_run faulted "$client" "$work/faulted.resume.out"
exec {tty}>&-
faulted_ms=$(($(now_ms) - faulted_started))
for pattern in 'volume stop volspoms1$' 'volume start volspoms1$' 'fleetctl start --no-block pcocc-vm-ns1 '; do
  n=$(count_of "$since" "$pattern" top1)
  check "faulted: hosts: '$pattern' carried out once on top1 ($n)" test "$n" -eq 1
done
# The stuck VM's remedy repeats the procedure's commands on purpose (fleet
# stopped and started on top2, admin1 stopped again): its window is left out.
remedy_from=$(ms_of "$(record "$journal" remedy-started stop-vms vms-stopped-except-dns)")
remedy_to=$(ms_of "$(last_record "$journal" remedy-finished stop-vms vms-stopped-except-dns)")
# The lost node's unmount, run again there on the operator's retry-failed.
repeated=$(twice "$since" "${remedy_from:-0}" "${remedy_to:-0}" "${lost_from:-0}" "${lost_to:-0}")
check "faulted: hosts: no command of the procedure ran twice on any host, across 4 crashes of serve $repeated" \
  test -z "$repeated"
# Each physical host powered on once by its BMC in the startup: the
# hypervisors by power-on-hypervisors, the islets by power-on-islet-workers
# (islet02 on the retry), top1 from the workstation.
for host in top1 top2 top3 worker01 worker02 islet01 islet02; do
  n=$(count_of "$startup_from" '^bmc chassis power 1$' "$host")
  check "faulted: hosts: $host's BMC powered it on once in the startup ($n)" test "$n" -eq 1
done
vms_after=$(running_vms | tr '\n' ' ')
check "faulted: every VM that ran before runs again ($vms_after)" test "$vms_after" = "$vms_before"
