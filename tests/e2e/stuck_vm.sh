# shellcheck shell=bash disable=SC2154,SC2034
# Stuck VMs and the procedure's remedy (docs/runbooks.md, "Remedies") in the
# site's own restart: hooks the faulted restart (faulted_restart.sh) calls
# around its stop-vms phase, whose gate (vms-stopped-except-dns) has the
# remedy (30 s into the wait, at most 2 attempts, 30 s apart):
#   stuck_vm_inject    before the restart: admin1 stuck until its
#                      hypervisor's (top2's) fleet agent restarts; with part
#                      stuck (scenario 4), batch1 stuck for good on worker01
#                      (lab fault vm-stuck batch1 --hard), a VM that will
#                      not stop even after the remedy;
#   stuck_vm_hard      (part stuck) once the remedy's two attempts ran: the
#                      first on admin1 and batch1, releasing admin1; the
#                      second on batch1 alone, touching worker01 alone; the
#                      gate still red naming pcocc-vm-batch1.service and
#                      worker01 (/api/v1/gates, runbook status), the
#                      shutdown held (no DNS VM stopped); the operator
#                      frees batch1 (repair vm batch1) and the run goes on;
#   stuck_vm_released  once stop-dns-vms started: the remedy released admin1
#                      with no operator action, touching the stuck VMs'
#                      hypervisors alone (the hosts' own records).
# The gate's timeout (15 min) is not waited for: the pause it ends with is
# the same pause as a step's (node_lost.sh, bmc_down.sh).

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
# last_record JOURNAL EVENT PHASE STEP: the last such record, as record.
last_record() {
  awk -F'\t' -v e="$2" -v p="$3" -v s="$4" '$3 == e && $4 == p && $5 == s { last = $2 "\t" $6 } END { if (last != "") print last }' "$1"
}
# remedies N: the journal holds N remedy-finished records of the stop-vms gate.
remedies() { [ "$(awk -F'\t' '$3 == "remedy-finished" && $4 == "stop-vms"' "$journal" | wc -l)" -ge "$1" ]; }

stuck_vm_inject() {
  stuck_injected=$(now_ms)
  local out
  out=$("${lab[@]}" fault vm-stuck admin1 2>&1)
  check "faulted: admin1 is stuck until top2's fleet agent restarts ($out)" \
    grep -q "admin1 is stuck on top2 (fleet shows it as it runs until top2's fleet agent restarts)" <<<"$out"
  if part stuck; then
    out=$("${lab[@]}" fault vm-stuck batch1 --hard 2>&1)
    check "stuck: batch1 is stuck for good ($out)" grep -q "batch1 is stuck on worker01" <<<"$out"
  fi
}

# Part stuck: the remedy's two attempts, batch1 still running after them.
stuck_vm_hard() {
  local first second entry
  wait_for 180 remedies 2
  first=$(record "$journal" remedy-started stop-vms vms-stopped-except-dns)
  second=$(last_record "$journal" remedy-started stop-vms vms-stopped-except-dns)
  check "stuck: the remedy's first attempt on both stuck VMs, each on its hypervisor ($first)" \
    test "$(cut -f2 <<<"$first")" = "attempt 1 of 2: admin1 (running) on top2, batch1 (running) on worker01"
  check "stuck: its second attempt on batch1 alone, still running ($second)" \
    test "$(cut -f2 <<<"$second")" = "attempt 2 of 2: batch1 (running) on worker01"
  check "stuck: ... 30 s or more after the first ($(($(ms_of "$second") - $(ms_of "$first"))) ms)" \
    test $(($(ms_of "$second") - $(ms_of "$first"))) -ge 30000
  check "stuck: worker01 recorded its fleet stopped, then started, at each attempt (its own records)" \
    test "$(fleet_records worker01 "$(ms_of "$first")" | tr '\n' ,)" = "stop fleet,start fleet,stop fleet,start fleet,"
  check "stuck: top2's fleet touched at the first attempt only" \
    test "$(fleet_records top2 "$(ms_of "$first")" | tr '\n' ,)" = "stop fleet,start fleet,"
  check "stuck: top1 sent batch1's stop again at the second attempt, batch1's alone" \
    test "$(count_of "$(ms_of "$second")" '^fleetctl stop --no-block pcocc-vm-batch1.service$' top1)" -eq 1
  check "stuck: batch1 still runs after the remedy (fleet, and its processes)" grep -qx batch1 <<<"$(running_vms)"
  wait_for 30 gate_says vms-stopped-except-dns red 'pcocc-vm-batch1.service'
  entry=$(gate_json vms-stopped-except-dns)
  check "stuck: /api/v1/gates: the gate red naming batch1's unit and worker01's address: $(cut -c1-300 <<<"$entry")" \
    says "$entry" '"status": "red"' 'pcocc-vm-batch1.service \(active/running on [^)]*10\.1\.1\.1\)'
  check "stuck: ... and not admin1 any more" bash -c '! grep -q "pcocc-vm-admin1.service (active" <<<"$1"' _ "$entry"
  check "stuck: runbook status: two attempts, the last on batch1 on worker01" \
    grep -q "remedy of gate vms-stopped-except-dns (phase stop-vms): 2 attempts, the last attempt 2 of 2: batch1 (running) on worker01: ok" \
    <<<"$("$gl" runbook status "$run" 2>&1)"
  check "stuck: /metrics counts both attempts" \
    grep -Eq '^greenlight_gate_remedy_attempts_total\{[^}]*gate="vms-stopped-except-dns"[^}]*\} 2$' <<<"$(api /metrics)"
  check "stuck: the shutdown holds: no DNS VM stopped (journal, top1's record)" \
    test -z "$(record "$journal" phase-started stop-dns-vms)" -a "$(count_of "$since" 'fleetctl stop --no-block pcocc-vm-ns' top1)" -eq 0
  stuck_freed=$(now_ms)
  "${lab[@]}" repair vm batch1 >/dev/null   # the operator frees it
}

stuck_vm_released() {
  local waiting remedy finished last green attempts
  waiting=$(record "$journal" gate-waiting stop-vms vms-stopped-except-dns)
  remedy=$(record "$journal" remedy-started stop-vms vms-stopped-except-dns)
  finished=$(record "$journal" remedy-finished stop-vms vms-stopped-except-dns)
  last=$(last_record "$journal" remedy-finished stop-vms vms-stopped-except-dns)
  green=$(record "$journal" gate-green stop-vms vms-stopped-except-dns)
  if part stuck; then attempts=2; else attempts=1; fi
  if part stuck; then
    check "faulted: the stop-vms gate's remedy ran by itself on admin1 and top2 ($remedy)" \
      test "$(cut -f2 <<<"$remedy")" = "attempt 1 of 2: admin1 (running) on top2, batch1 (running) on worker01"
    check "stuck: freed by the operator, batch1 went down and the gate turned green ($(($(ms_of "$green") - stuck_freed)) ms later, 10 s of it stable_for)" \
      test "$(ms_of "$green")" -ge $((stuck_freed + 10000))
  else
    check "faulted: the stop-vms gate's remedy ran by itself on admin1 and top2 ($remedy)" \
      test "$(cut -f2 <<<"$remedy")" = "attempt 1 of 2: admin1 (running) on top2"
  fi
  check "faulted: ... 30 s into the wait ($(($(ms_of "$remedy") - $(ms_of "$waiting"))) ms)" \
    test $(($(ms_of "$remedy") - $(ms_of "$waiting"))) -ge 30000
  check "faulted: ... and ended ok ($finished)" test "$(cut -f2 <<<"$finished")" = ok
  check "faulted: the gate turned green 10 s or more after the remedy ($(($(ms_of "$green") - $(ms_of "$last"))) ms)" \
    test $(($(ms_of "$green") - $(ms_of "$last"))) -ge 10000
  check "faulted: ... with no pause (stop-vms never paused)" test -z "$(record "$journal" run-paused stop-vms)"
  check "faulted: top2 recorded its fleet stopped, then started, during the remedy" \
    test "$(fleet_records top2 "$(ms_of "$remedy")" | tr '\n' ,)" = "stop fleet,start fleet,"
  if part stuck; then
    check "faulted: top1 sent admin1's stop again during the remedy (with batch1's)" \
      test "$(count_of "$(ms_of "$remedy")" '^fleetctl stop --no-block pcocc-vm-admin1.service pcocc-vm-batch1.service$' top1)" -eq 1
    check "faulted: no other host's fleet was touched" test "$(others_touched "$stuck_injected" top2 worker01)" -eq 0
  else
    check "faulted: top1 sent admin1's stop again during the remedy" \
      test "$(count_of "$(ms_of "$remedy")" '^fleetctl stop --no-block pcocc-vm-admin1.service$' top1)" -eq 1
    check "faulted: no other host's fleet was touched" test "$(others_touched "$stuck_injected" top2)" -eq 0
  fi
  check "faulted: /metrics counts the attempts ($attempts)" \
    grep -Eq "^greenlight_gate_remedy_attempts_total\\{[^}]*gate=\"vms-stopped-except-dns\"[^}]*\\} $attempts\$" <<<"$(api /metrics)"
  check "faulted: /api/v1/runs shows them" grep -q "\"gate\": \"vms-stopped-except-dns\", \"attempts\": $attempts, " <<<"$(api /api/v1/runs)"
}
