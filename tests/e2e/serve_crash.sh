# shellcheck shell=bash disable=SC2154,SC2034
# Scenario 7 (greenlight serve killed with SIGKILL in each phase kind:
# confirm, run and gate wait here, power in bmc_down.sh) and 8's second
# crash (right after top1's boot), as moments of the faulted restart:
# faulted_restart.sh calls each function when its run ($run, $journal)
# reaches it. serve is started again as top1's boot
# starts it (crash_serve), the run resumed from the workstation; whatever was
# in flight is read from the hosts (their records, process tables, glusterd's
# cmd_history) and never done twice. Each function ends with the client
# following the run in $client (terminal $tty) or $resume.

# resume_in TERMINAL OUT [ARGS...]: `runbook resume $run --yes ARGS` reading
# the fifo $work/TERMINAL (opened as $tty), its output in $work/OUT; its PID
# in $client.
resume_in() {
  terminal "$1"
  timeout -k 10 600 "$gl" runbook resume "$run" --yes "${@:3}" <"$work/$1" >"$work/$2" 2>&1 &
  client=$!
}
# spawned PHASE: step 1 of PHASE started its commands (step-process records).
spawned() { [ -n "$(step_pids "$journal" "$1" 1)" ]; }
# asked OUT N: the client's output holds at least N choice prompts.
asked() { [ "$(grep -c 'choice: ' "$work/$1")" -ge "$2" ]; }

# confirm: killed while stop-vms' confirmation waits for its answer (the
# client following the run, $client, its output $work/$client_out, asked
# it); resumed, the question is asked again and answered, and nothing was
# stopped before.
crash_at_confirm() {
  local out=$work/$client_out
  wait_for 120 grep -q 'This shuts down every hosted service but DNS' "$out"
  check "crash: the client asks stop-vms' confirmation" grep -q 'This shuts down every hosted service' "$out"
  crash_serve "crash at confirm"
  # The client waits at the terminal: answered, it finds serve gone.
  echo y >&"$tty"
  ended_with "$client" 1 "crash at confirm: answered, the client finds serve gone"
  check "crash at confirm: ... and says so" grep -q 'greenlight serve closed the connection' "$out"
  exec {tty}>&-
  check "crash at confirm: journal: the confirmation started, not finished" \
    test -n "$(record "$journal" step-started stop-vms 1)" -a -z "$(record "$journal" step-finished stop-vms 1)"
  resume_in terminal faulted.resume-confirm.out
  wait_for 60 grep -q 'This shuts down every hosted service but DNS' "$work/faulted.resume-confirm.out"
  check "crash at confirm: resumed, the confirmation is asked again" \
    grep -q 'This shuts down every hosted service but DNS' "$work/faulted.resume-confirm.out"
  check "crash at confirm: no VM was stopped meanwhile (top1's record)" test "$(count_of "$since" 'fleetctl stop' top1)" -eq 0
  echo y >&"$tty"
  check "crash at confirm: answered, stop-vms goes on" test -n "$(wait_record 60 "$journal" step-finished stop-vms 1)"
}

# 8's second crash: right after top1's boot, before the resume.
crash_after_boot() {
  crash_serve "crash after top1's boot"
  check "crash after top1's boot: top1 did not reboot (same boot id)" \
    test "$(on top1 cat /proc/sys/kernel/random/boot_id)" = "$boot_after"
}

# run: killed while start-volumes' `gluster volume start volspoms1` (not
# idempotent) runs. The command is held on top1 (lab fault hold: the lab's
# gluster stand-in writes it to top1's record of held commands and waits)
# so that serve is killed, every time, while the command has started and
# glusterd has not yet carried it out; released once serve is gone, it
# carries it out, as a command that outlived the crash. Resumed, the step
# is put to the operator (never run again silently), who answers skip from
# glusterd's own record (one start). Follows the resume in $resume, then in
# $client.
hold_volume_start() {
  local out
  out=$("${lab[@]}" fault hold top1 '^gluster --mode=script volume start volspoms1$' 2>&1)
  check "crash in a run step: top1 will hold the volume's start ($out)" grep -q 'top1 holds every command' <<<"$out"
}
crash_in_run_step() {
  local pids n
  wait_for 300 held_on top1 'volume start volspoms1'
  pids=$(step_pids "$journal" start-volumes 1)
  check "crash in a run step: start-volumes' command started (pid $pids on top1) and is held there (top1's record)" \
    test -n "$pids" -a -n "$(cat "$dir/top1/held" 2>/dev/null)"
  check "crash in a run step: ... glusterd has not carried it out yet" test "$(count_of "$since" 'volume start volspoms1$' top1)" -eq 0
  crash_serve "crash in a run step"
  ended_with "$resume" 1 "crash in a run step: the resume's client ends with serve"
  # shellcheck disable=SC2086
  check "crash in a run step: the step's command outlived serve (top1's process table)" runs_on top1 $pids
  "${lab[@]}" repair hold top1 >/dev/null
  # shellcheck disable=SC2086
  wait_for 60 ended_on top1 $pids
  # shellcheck disable=SC2086
  check "crash in a run step: released, the command ended (top1's process table)" ended_on top1 $pids
  n=$(count_of "$since" 'volume start volspoms1$' top1)
  check "crash in a run step: ... and glusterd carried it out once ($n)" test "$n" -eq 1
  resume_in terminal faulted.resume-run.out
  wait_for 60 asked faulted.resume-run.out 1
  check "crash in a run step: resumed, the interrupted step is put to the operator" \
    grep -q 'step 1 of phase start-volumes (run on self: gluster --mode=script volume start volspoms1) was started but never recorded as finished' \
    "$work/faulted.resume-run.out"
  n=$(count_of "$since" 'volume start volspoms1$' top1)
  check "crash in a run step: not run again while asking (top1's glusterd: $n)" test "$n" -eq 1
  printf 'skip\nglusterd on top1 started volspoms1 (its cmd_history)\n' >&"$tty"
  check "crash in a run step: journal: skipped on the operator's word" test -n "$(wait_record 30 "$journal" step-skipped start-volumes 1)"
}

# waiting_since MS PHASE: the journal has PHASE waiting for a gate from MS on.
waiting_since() { awk -F'\t' -v t="$1" -v p="$2" '$3 == "gate-waiting" && $4 == p && $2 >= t' "$journal" | grep -q .; }

# gate wait: killed while heal-volumes waits for its gate ($client follows
# the run); resumed, the gate is waited on afresh. Follows the resume in
# $client (terminal $tty).
crash_in_gate() {
  check "crash in a gate wait: heal-volumes waits for its gate before the kill" \
    test -n "$(wait_record 300 "$journal" gate-waiting heal-volumes)" -a -z "$(record "$journal" gate-green heal-volumes)"
  crash_serve "crash in a gate wait"
  ended_with "$client" 1 "crash in a gate wait: the resume's client ends with serve"
  exec {tty}>&-
  local resumed
  resumed=$(now_ms)
  resume_in terminal3 faulted.resume.out   # a terminal: the islets' power-on may ask (bmc_down.sh)
  wait_for 60 waiting_since "$resumed" heal-volumes
  check "crash in a gate wait: resumed, heal-volumes waits for its gate again" waiting_since "$resumed" heal-volumes
  check "crash in a gate wait: /api/v1/runs: the run waits ($(run_state "$run"))" test "$(run_state "$run")" = waiting
}
