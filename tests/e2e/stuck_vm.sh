# shellcheck shell=bash disable=SC2154,SC2034
# Stuck VMs and the procedure's remedy (docs/runbooks.md, "Remedies"),
# sourced by restart_test.sh between the clean and the faulted restart:
#   4  a VM that will not stop even after the remedy (lab fault `vm-stuck
#      batch1 --hard`), run with examples/lab/runbooks/stuck-vm.yaml and its
#      short timeouts: the remedy runs once, on batch1's hypervisor alone;
#      the gate times out naming batch1 and worker01; the run pauses with
#      the choices; once the operator freed batch1, `retry` goes on and
#      batch1 is started again;
# and the hooks the faulted restart calls around its stop-vms phase:
#   stuck_vm_inject    admin1 stuck until its hypervisor's (top2's) fleet
#                      agent restarts, before the restart stops the VMs;
#   stuck_vm_released  once stop-dns-vms started: the stop-vms gate's own
#                      remedy released admin1 with no operator action,
#                      touching top2 alone (the hosts' own records).

# fleet_records HOST SINCE_MS: the systemctl stand-in's fleet commands HOST
# recorded, one per line ("stop fleet").
fleet_records() { host_records "$1" "$2" | awk -F'\t' '$2 == "systemctl" && $3 ~ / fleet$/ { print $3 }'; }
# others_touched SINCE_MS HOST...: how many fleet commands the other hosts recorded.
others_touched() {
  local since=$1 host n=0
  shift
  for host in top1 top2 top3 worker01 worker02 islet01 islet02; do
    [[ " $* " == *" $host "* ]] && continue
    n=$((n + $(fleet_records "$host" "$since" | wc -l)))
  done
  echo "$n"
}
ms_of() { cut -f1 <<<"$1"; }

if part stuck; then
# 4: batch1 will not stop, even after the remedy.
stuck_started=$(now_ms)
out=$("${lab[@]}" fault vm-stuck batch1 --hard 2>&1)
check "stuck: batch1 is stuck for good ($out)" grep -q "batch1 is stuck on worker01" <<<"$out"
mkfifo "$work/stuck.terminal"
exec 6<>"$work/stuck.terminal"
timeout -k 10 180 "$gl" runbook exec stuck-vm --yes <"$work/stuck.terminal" >"$work/stuck.exec.out" 2>&1 &
stuck_client=$!
wait_for 30 newest_run stuck-vm >/dev/null
stuck_journal=$(journal_of "$(newest_run stuck-vm)")
paused=$(wait_record 90 "$stuck_journal" run-paused stop-batch1 batch1-stopped)
check "stuck: the gate timed out and paused the run, naming the unit and its hypervisor: $(cut -f2 <<<"$paused" | cut -c1-500)" \
  grep -Eq "pcocc-vm-batch1.service \(active/running on [^)]*10\.1\.1\.1\).*what keeps it red: batch1 \(running\) on worker01" <<<"$paused"
check "stuck: its remedy ran once, by itself, on batch1 on worker01" \
  test "$(grep -c "	remedy-started	stop-batch1	batch1-stopped	attempt 1 of 1: batch1 (running) on worker01	" "$stuck_journal")" -eq 1
wait_for 10 grep -q "^choice: " "$work/stuck.exec.out"
check "stuck: the terminal shows the choices, remedy among them" \
  grep -Pzq "Choices:\n  retry .*\n  remedy .*\n  skip .*\n  abort " "$work/stuck.exec.out"
check "stuck: worker01 recorded its fleet stopped, then started (its own records)" \
  test "$(fleet_records worker01 "$stuck_started" | tr '\n' ,)" = "stop fleet,start fleet,"
check "stuck: no other host's fleet was touched" test "$(others_touched "$stuck_started" worker01)" -eq 0
check "stuck: top1 sent batch1's stop twice (the step, the remedy)" \
  test "$(count_of "$stuck_started" '^fleetctl stop --no-block pcocc-vm-batch1.service$' top1)" -eq 2
check "stuck: batch1 still runs (fleet, and its processes)" grep -qx batch1 <<<"$(running_vms)"
"${lab[@]}" repair vm batch1 >/dev/null   # the operator frees it
printf 'retry\n' >&6
green=$(wait_record 60 "$stuck_journal" gate-green stop-batch1 batch1-stopped)
check "stuck: freed, retry goes on: the gate turns green" test -n "$green"
check "stuck: ... and the run finishes with batch1 started again" test -n "$(wait_record 60 "$stuck_journal" run-finished)"
wait "$stuck_client"; rc=$?
check "stuck: exec exits 0 (rc $rc)" test "$rc" -eq 0
exec 6>&-
batch1_runs() { grep -qx batch1 <<<"$(running_vms)"; }
wait_for 30 batch1_runs
check "stuck: batch1 runs again" batch1_runs
echo "e2e: stuck VM scenario $(($(now_ms) - stuck_started)) ms"
fi

stuck_vm_inject() {
  stuck_injected=$(now_ms)
  local out
  out=$("${lab[@]}" fault vm-stuck admin1 2>&1)
  check "faulted: admin1 is stuck until top2's fleet agent restarts ($out)" \
    grep -q "admin1 is stuck on top2 (fleet shows it as it runs until top2's fleet agent restarts)" <<<"$out"
}

stuck_vm_released() {
  local waiting remedy finished green since
  waiting=$(record "$journal" gate-waiting stop-vms vms-stopped-except-dns)
  remedy=$(record "$journal" remedy-started stop-vms vms-stopped-except-dns)
  finished=$(record "$journal" remedy-finished stop-vms vms-stopped-except-dns)
  green=$(record "$journal" gate-green stop-vms vms-stopped-except-dns)
  check "faulted: the stop-vms gate's remedy ran by itself on admin1 and top2 ($remedy)" \
    test "$(cut -f2 <<<"$remedy")" = "attempt 1 of 2: admin1 (running) on top2"
  check "faulted: ... 30 s into the wait ($(($(ms_of "$remedy") - $(ms_of "$waiting"))) ms)" \
    test $(($(ms_of "$remedy") - $(ms_of "$waiting"))) -ge 30000
  check "faulted: ... and ended ok ($finished)" test "$(cut -f2 <<<"$finished")" = ok
  check "faulted: the gate turned green 10 s or more after the remedy ($(($(ms_of "$green") - $(ms_of "$finished"))) ms)" \
    test $(($(ms_of "$green") - $(ms_of "$finished"))) -ge 10000
  check "faulted: ... with no operator action (stop-vms never paused)" test -z "$(record "$journal" run-paused stop-vms)"
  check "faulted: top2 recorded its fleet stopped, then started, during the remedy" \
    test "$(fleet_records top2 "$(ms_of "$remedy")" | tr '\n' ,)" = "stop fleet,start fleet,"
  check "faulted: top1 sent admin1's stop again during the remedy" \
    test "$(count_of "$(ms_of "$remedy")" '^fleetctl stop --no-block pcocc-vm-admin1.service$' top1)" -eq 1
  check "faulted: no other host's fleet was touched" test "$(others_touched "$stuck_injected" top2)" -eq 0
  check "faulted: /metrics counts the attempt" \
    grep -Eq '^greenlight_gate_remedy_attempts_total\{[^}]*gate="vms-stopped-except-dns"[^}]*\} 1$' <<<"$(api /metrics)"
  check "faulted: /api/v1/runs shows it" grep -q '"gate": "vms-stopped-except-dns", "attempts": 1, "last": "attempt 1 of 2: admin1 (running) on top2: ok"' <<<"$(api /api/v1/runs)"
  check "faulted: runbook status shows it" grep -q "remedy of gate vms-stopped-except-dns (phase stop-vms): 1 attempt, the last attempt 1 of 2: admin1 (running) on top2: ok" \
    <<<"$("$gl" runbook status "$run" 2>&1)"
}
