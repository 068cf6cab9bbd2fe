# shellcheck shell=bash disable=SC2154,SC2034
# Scenario 11, a BMC that does not answer at the startup's power-on, and 7
# in a power step, on the lab's islet-power-on runbook (the startup's
# power-on-islet-workers phase alone: examples/lab/runbooks/islet-power-on.yaml),
# sourced by restart_test.sh after the restarts. Excluding a node from the
# restart itself would make every later gate's checks new ones (their node
# sets rewritten without it), each then green for its whole stable_for: a
# minute more at the closing validation.
# Both islets are powered off first (their BMCs), as the shutdown leaves
# them; then islet02's BMC stops answering (lab fault bmc-down); serve is killed while
# the power step waits for it; resumed, the step is put to the operator;
# once its earlier ipmitool gave up (top1's process table), retry: islet01
# powers on, islet02's BMC does not answer and the step pauses naming it
# and ipmitool's reason; `resume --exclude islet02` goes on without it,
# journaled. Sets bmc_ms.
for islet in islet01 islet02; do "${lab[@]}" power "$islet" off >/dev/null; done
both_off() {
  [[ $("${lab[@]}" power islet01 status 2>&1) == *off && $("${lab[@]}" power islet02 status 2>&1) == *off ]]
}
wait_for 30 both_off
check "BMC down: both islets are off first (their BMCs)" both_off
since=$(now_ms)
"${lab[@]}" fault bmc-down islet02 >/dev/null
timeout -k 10 300 "$gl" runbook exec islet-power-on --yes </dev/null >"$work/bmc.exec.out" 2>&1 &
client=$!
wait_for 30 newest_run islet-power-on >/dev/null
run=$(newest_run islet-power-on)
journal=$(journal_of "$run")
WAIT_STEP=0.05 wait_for 60 spawned power-on-islet-workers
pids=$(step_pids "$journal" power-on-islet-workers 1)
check "crash in a power step: its BMC commands started (pids ${pids//$'\n'/ } on top1)" test -n "$pids"
crash_serve "crash in a power step"
ended_with "$client" 1 "crash in a power step: exec's client ends with serve"
resume_in bmc bmc.resume.out
wait_for 60 asked bmc.resume.out 1
check "crash in a power step: resumed, the interrupted power step is put to the operator" \
  grep -q 'step 1 of phase power-on-islet-workers (power on @island_worker) was started but never recorded as finished' \
  "$work/bmc.resume.out"
# shellcheck disable=SC2086
wait_for 30 ended_on top1 $pids
# shellcheck disable=SC2086
check "crash in a power step: the earlier ipmitool gave up (top1's process table)" ended_on top1 $pids
echo retry >&"$tty"
wait_for 60 asked bmc.resume.out 2
failure=$(record "$journal" step-failed power-on-islet-workers 1)
check "BMC down: journal: the power step failed on islet02 naming its BMC and ipmitool's reason ($failure)" \
  says "$failure" $'\tfailed on islet02 ' '-H 10\.2\.4\.2 ' 'Unable to establish IPMI v2 / RMCP\+ session'
check "BMC down: the pause names islet02, its BMC and ipmitool's reason" \
  says "$(cat "$work/bmc.resume.out")" 'failed on islet02 ' '-H 10\.2\.4\.2 ' 'Unable to establish IPMI v2 / RMCP\+ session'
echo later >&"$tty"
ended_with "$client" 3 "BMC down: left paused"
exec {tty}>&-
resume_in bmc bmc.exclude.out --exclude islet02
wait_for 60 asked bmc.exclude.out 1
echo retry >&"$tty"
wait_record 30 "$journal" nodes-excluded >/dev/null
check "BMC down: journal: islet02 excluded by the operator" grep -Eq $'\tnodes-excluded\t[^\t]*\tislet02\tby ' "$journal"
check "BMC down: /api/v1/runs names islet02 excluded" says "$(api /api/v1/runs)" '"excluded": "islet02'
finished_run "BMC down: --exclude islet02" "$client" "$work/bmc.exclude.out"
exec {tty}>&-
check "BMC down: the retry powered islet01 alone (the output)" \
  says "$(sed -n '/: retry$/,$p' "$work/bmc.exclude.out")" 'power on @island_worker: .*-H 10\.2\.4\.1 .*\(1 node\)'
check "BMC down: hosts: islet01's BMC powered it on, and it booted" \
  test -n "$(first_at "$since" 'bmc chassis power 1$' islet01)" -a -n "$(first_at "$since" 'systemctl start sshd$' islet01)"
check "BMC down: hosts: islet02 was never powered on (its BMC's record)" \
  test -z "$(first_at "$since" 'bmc chassis power 1$' islet02)" -a -z "$(first_at "$since" 'systemctl start sshd$' islet02)"
"${lab[@]}" repair bmc islet02 >/dev/null
check "BMC down: repaired, islet02's BMC answers again, the chassis off" grep -q 'is off' <<<"$("${lab[@]}" power islet02 status 2>&1)"
"${lab[@]}" power islet02 on >/dev/null
bmc_ms=$(($(now_ms) - since))
