# shellcheck shell=bash disable=SC2154,SC2034
# Scenario 11, a BMC that does not answer during the startup's power-on, in
# the site's own restart: hooks the faulted restart (faulted_restart.sh)
# calls around its power-on-islet-workers phase (`power on @island_worker`,
# ipmitool on top1 against each islet's BMC). islet02's BMC stops answering
# (lab fault bmc-down: its ipmi_sim stopped, requests never answered)
# before the phase; the power step powers islet01 on and fails on islet02
# once ipmitool gives up, the pause naming islet02, its BMC's address in the
# command and ipmitool's reason, offering retry-failed on islet02 alone;
# the BMC repaired, `retry-failed` powers islet02 alone. Each islet's BMC
# records one power-on in the startup (asserted with the other hosts' in
# faulted_restart.sh). Sets bmc_ms.

# after_choice FILE N: FILE from its Nth 'choice: ' prompt on (all of it for 0).
after_choice() { awk -v n="$2" '/choice: / { c++ } c >= n' "$1"; }

# bmc_arm: before the power-on-islet-workers phase starts.
bmc_arm() {
  check "BMC down: islet02's BMC stops answering, before the islets' power-on" \
    test -z "$(record "$journal" phase-started power-on-islet-workers)"
  "${lab[@]}" fault bmc-down islet02 >/dev/null
  bmc_from=$(now_ms)
}

# bmc_down OUT: the run followed by a client whose terminal is $tty and
# output $work/OUT.
bmc_down() {
  local out=$work/$1 asked_before failure state answered
  asked_before=$(grep -c 'choice: ' "$out")
  wait_for 300 asked "$1" $((asked_before + 1))
  failure=$(record "$journal" step-failed power-on-islet-workers 1)
  check "BMC down: journal: the power step failed on islet02 naming its BMC and ipmitool's reason ($failure)" \
    says "$failure" $'\tfailed on islet02 ' '-H 10\.2\.4\.2 ' 'Unable to establish IPMI v2 / RMCP\+ session'
  check "BMC down: journal: ... and on islet02 alone" bash -c '! grep -q islet01 <<<"$1"' _ "$failure"
  check "BMC down: the pause names islet02, its BMC and ipmitool's reason, and offers retry-failed on it" \
    says "$(after_choice "$out" "$asked_before")" \
    'failed on islet02 ' '-H 10\.2\.4\.2 ' 'Unable to establish IPMI v2 / RMCP\+ session' 'retry-failed  run the step again on islet02 only'
  state=$(run_state "$run")
  check "BMC down: /api/v1/runs: the run asks the operator ($state)" test "$state" = asking
  check "BMC down: hosts: islet01's BMC powered it on, and it booted" \
    test -n "$(first_at "$bmc_from" $'\tbmc chassis power 1$' islet01)" -a -n "$(first_at "$bmc_from" $'\tsystemctl start sshd$' islet01)"
  check "BMC down: hosts: islet02 not powered on (its BMC's record)" \
    test -z "$(first_at "$bmc_from" $'\tbmc chassis power 1$' islet02)"
  "${lab[@]}" repair bmc islet02 >/dev/null
  check "BMC down: repaired, islet02's BMC answers again, the chassis off" grep -q 'is off' <<<"$("${lab[@]}" power islet02 status 2>&1)"
  answered=$(now_ms)
  echo retry-failed >&"$tty"
  check "BMC down: retry-failed: the power step finishes (journal)" \
    test -n "$(wait_record 120 "$journal" step-finished power-on-islet-workers 1)"
  check "BMC down: the retry powered islet02 alone (the output)" \
    says "$(after_choice "$out" $((asked_before + 1)))" 'power on @island_worker: .*-H 10\.2\.4\.2 .*\(1 node\)'
  check "BMC down: hosts: islet02's BMC powered it on after the answer, and it booted" \
    test "$(first_at "$answered" $'\tbmc chassis power 1$' islet02)" -ge "$answered" -a -n "$(first_at "$answered" $'\tsystemctl start sshd$' islet02)"
  check "BMC down: hosts: islet01 was not powered on again" test -z "$(first_at "$answered" $'\tbmc chassis power 1$' islet01)"
  bmc_ms=$(($(now_ms) - bmc_from))
  echo "e2e: BMC down at the islets' power-on $bmc_ms ms"
}
