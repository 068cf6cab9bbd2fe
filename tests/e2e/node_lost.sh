# shellcheck shell=bash disable=SC2154,SC2034
# Scenario 6, a node lost during a `run` step, on the lab's node-lost
# runbook (examples/lab/runbooks/node-lost.yaml: a command of a few seconds
# on the worker hypervisors), sourced by restart_test.sh after the restarts:
# worker02's link cut once worker02 recorded the command; the step fails
# naming worker02 and why, the run pauses; the link back, `retry-failed`
# runs the command again on worker02 alone (the hosts' own records: worker01
# received it once, worker02 twice, the second time after the answer).
# Sets lost_ms.
since=$(now_ms)
command='sleep 8 && cat /proc/sys/kernel/random/boot_id'
terminal lost
timeout -k 10 120 "$gl" runbook exec node-lost --yes <"$work/lost" >"$work/lost.out" 2>&1 &
client=$!
received() { [ -n "$(first_at "$since" "ssh $command" "$1")" ]; }
wait_for 30 received worker02
run=$(newest_run node-lost)
journal=$(journal_of "$run")
check "lost: worker02 received the command (its record)" received worker02
"${lab[@]}" fault link-down worker02 >/dev/null
check "lost: worker02's link is down (its interface)" bash -c "ip -n lab$LAB_ID-worker02 link show eth0 | grep -q 'state DOWN'"
wait_for 30 grep -q 'choice: ' "$work/lost.out"
failure=$(record "$journal" step-failed worker-command 1)
check "lost: journal: the step failed on worker02 alone, with the reason ($failure)" \
  grep -Eq $'\tfailed on worker02 \\(.*(timeout|timed out)' <<<"$failure"
check "lost: journal: ... and not on worker01" bash -c '! grep -q worker01 <<<"$1"' _ "$failure"
check "lost: the pause names worker02 and offers retry-failed on it" \
  grep -q 'retry-failed  run the step again on worker02 only' "$work/lost.out"
state=$(run_state "$run")
check "lost: /api/v1/runs: the run asks the operator ($state)" test "$state" = asking
"${lab[@]}" repair link worker02 >/dev/null
answered=$(now_ms)
echo retry-failed >&"$tty"
finished_run "lost: retry-failed" "$client" "$work/lost.out"
exec {tty}>&-
lost_ms=$(($(now_ms) - since))
n1=$(count_of "$since" "^ssh $command$" worker01)
n2=$(count_of "$since" "^ssh $command$" worker02)
again=$(first_at "$answered" $'\t'"ssh $command\$" worker02)
check "lost: hosts: worker01 received the command once ($n1), worker02 twice ($n2)" test "$n1" -eq 1 -a "$n2" -eq 2
check "lost: hosts: worker02's second one came after retry-failed (${again:-never} >= $answered)" \
  test "${again:-0}" -ge "$answered"
