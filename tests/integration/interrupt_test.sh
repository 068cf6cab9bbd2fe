#!/usr/bin/env bash
# An orderly stop ends what greenlight started: Ctrl-C (SIGINT) and SIGHUP
# (the SSH session lost) of `greenlight check` and `greenlight exec`,
# SIGTERM, SIGINT and SIGHUP of an in-process `runbook exec`: the local
# commands (their whole process group) end with it, within a second or two,
# and are not left running under init.
# A second Ctrl-C of exec exits at once.
set -uo pipefail
gl=${GREENLIGHT:?}
source "$(dirname "$0")/../support/check.sh"
work=$(mktemp -d /tmp/greenlight-interrupt.XXXXXX)
pid=
cleanup() {
  [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
  for f in "$work"/*.pid; do [ -s "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
gone() {  # PID: not running (a zombie waiting for init counts as gone)
  local state
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)
  [[ -z $state || $state == Z ]]
}
wait_file() { for _ in $(seq 100); do [ -s "$1" ] && return 0; sleep 0.05; done; return 1; }
elapsed_ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

cat >"$work/site.yaml" <<YAML
site: t
hosts:
  here: {self: true}
checks:
  fast: {kind: command, command: [sh, -c, "echo fast done; touch $work/fast.done"], timeout: 1m}
  slow: {kind: command, command: [sh, -c, "while [ ! -e $work/fast.done ]; do sleep 0.05; done; sleep 0.3; sleep 60 & echo \$! > $work/check.pid; wait"], timeout: 2m}
runbooks:
  runs: $work/runs
  control: $work/control.sock
  inline:
    long:
      phases:
        - name: only
          steps:
            - run: {on: self, command: "sleep 60 & echo \$! > $work/step.pid; wait", timeout: 5m}
YAML

# stops WHAT SIGNAL LIMIT_MS PIDFILE OUT COMMAND...: starts COMMAND (output
# to OUT), waits until its child wrote PIDFILE, runs $during (a function,
# when set) while it runs, sends SIGNAL, and checks that greenlight stopped
# within LIMIT_MS and its command is not left running.
stops() {
  local what=$1 signal=$2 limit=$3 pidfile=$4 out=$5 start took rc
  shift 5
  "$@" >"$out" 2>&1 </dev/null &
  pid=$!
  check "$what: its command started" wait_file "$pidfile"
  [ -n "${during:-}" ] && "$during"
  start=$(date +%s%N)
  kill "-$signal" "$pid"; wait "$pid"; rc=$?; pid=; last_rc=$rc
  took=$(elapsed_ms "$start")
  check "$what stops within $limit ms of SIG$signal (${took} ms, rc $rc)" test "$took" -lt "$limit"
  check "$what: its command is not left running" gone "$(cat "$pidfile")"
}

stops "check" INT 1500 "$work/check.pid" "$work/check.out" "$gl" -c "$work/site.yaml" check fast slow
check "check says so ($(cat "$work/check.out"))" grep -q "signal 2: stopped (1 local command ended)" "$work/check.out"
check "check exits 3, unknown (rc $last_rc)" test "$last_rc" -eq 3
check "the check that had finished is reported with its verdict" \
  grep -Eq "^fast +OK " "$work/check.out"
check "the one stopped is unknown, not finished" \
  grep -Eq "^slow +UNKNOWN .*not finished: stopped by signal 2" "$work/check.out"
rm -f "$work/fast.done"
stops "exec on greenlight's own host" INT 1500 "$work/exec.pid" "$work/exec.out" \
  "$gl" -c "$work/site.yaml" exec -w here -- "sleep 60 & echo \$! > $work/exec.pid; wait"
stops "runbook exec in this process" TERM 2500 "$work/step.pid" "$work/run.out" \
  "$gl" -c "$work/site.yaml" runbook exec long --yes
check "it says it ended the step's command ($(tail -2 "$work/run.out"))" grep -q "ended 1 running command" "$work/run.out"
run=$(ls "$work/runs" | grep '^long-')
out=$(printf 'abort\ntest done\n' | "$gl" -c "$work/site.yaml" runbook resume "$run" --yes 2>&1)
check "resume puts the interrupted step to the operator ($out)" grep -q "may or may not have taken effect" <<<"$out"
rm -f "$work/step.pid"
stops "runbook exec in this process" INT 2500 "$work/step.pid" "$work/run-int.out" \
  "$gl" -c "$work/site.yaml" runbook exec long --yes
check "on Ctrl-C too it ends the step's command ($(tail -2 "$work/run-int.out"))" \
  grep -q "ended 1 running command" "$work/run-int.out"

# SIGHUP (the SSH session lost) stops in order as SIGTERM does: the step's
# command is ended and journaled, the run stays resumable (exit 3). While
# the run executes in this process, the other commands refuse it with exit 1
# and say where it executes: followed only from its terminal, stopped there.
held_refusals() {
  local held out rc
  held=$(ls -t "$work/runs" | grep '^long-' | head -1)
  out=$("$gl" -c "$work/site.yaml" runbook resume "$held" --yes 2>&1 </dev/null); rc=$?
  check "resume of a run executing in its own process: refused, rc 1 (rc $rc: $out)" \
    test "$rc" -eq 1
  check "resume names the process ($out)" grep -q "being executed by process $pid" <<<"$out"
  check "resume says how to stop it ($out)" grep -q "kill -INT $pid" <<<"$out"
  out=$("$gl" -c "$work/site.yaml" runbook attach "$held" 2>&1 </dev/null); rc=$?
  check "attach with no daemon: refused, rc 1 (rc $rc: $out)" test "$rc" -eq 1
  check "attach says the run executes in process $pid, not in serve ($out)" \
    grep -q "run $held executes in process $pid of .*(not in greenlight serve)" <<<"$out"
  out=$("$gl" -c "$work/site.yaml" runbook exec long --yes 2>&1 </dev/null); rc=$?
  check "a second exec: refused, rc 1 (rc $rc)" test "$rc" -eq 1
  check "it says where the run executes and how to stop it, not to attach ($out)" \
    eval 'grep -q "greenlight runbook status $held shows where it stands; to stop it" <<<"$out" &&
      ! grep -q "runbook attach" <<<"$out"'
}
run=$(ls -t "$work/runs" | grep '^long-' | head -1)
check "the interrupted run $run is aborted" "$gl" -c "$work/site.yaml" runbook abort "$run"
rm -f "$work/step.pid"
during=held_refusals stops "runbook exec in this process" HUP 2500 "$work/step.pid" \
  "$work/run-hup.out" "$gl" -c "$work/site.yaml" runbook exec long --yes
check "on SIGHUP it stops in order, ending the step's command ($(tail -2 "$work/run-hup.out"))" \
  grep -q "signal 1: stopping" "$work/run-hup.out"
check "... and says so" grep -q "ended 1 running command" "$work/run-hup.out"
run=$(ls -t "$work/runs" | grep '^long-' | head -1)
check "the step's end is journaled ($run)" \
  grep -q "stopped by signal 1" <("$gl" -c "$work/site.yaml" runbook log "$run" 2>&1)
rm -f "$work/exec-hup.pid"
stops "exec on greenlight's own host" HUP 1500 "$work/exec-hup.pid" "$work/exec-hup.out" \
  "$gl" -c "$work/site.yaml" exec -w here -- "sleep 60 & echo \$! > $work/exec-hup.pid; wait"
check "exec takes SIGHUP as Ctrl-C ($(cat "$work/exec-hup.out"))" \
  grep -q "interrupted, stopping" "$work/exec-hup.out"
check "the local command it ended is told as interrupted, not killed ($(cat "$work/exec-hup.out"))" \
  eval 'grep -q "greenlight: here: interrupted" "$work/exec-hup.out" && ! grep -q "killed by" "$work/exec-hup.out"' 
rm -f "$work/check.pid"
rm -f "$work/fast.done"
stops "check" HUP 1500 "$work/check.pid" "$work/check-hup.out" "$gl" -c "$work/site.yaml" check fast slow
check "check takes SIGHUP as Ctrl-C ($(cat "$work/check-hup.out"))" \
  grep -q "signal 1: stopped (1 local command ended)" "$work/check-hup.out"

# A second Ctrl-C does not wait for the first one's grace: a command that
# ignores SIGTERM is killed at once and exec exits.
"$gl" -c "$work/site.yaml" exec -w here -- "trap '' TERM; sleep 60 & echo \$! > $work/deaf.pid; wait" \
  >"$work/deaf.out" 2>&1 </dev/null &
pid=$!
check "a command deaf to SIGTERM started" wait_file "$work/deaf.pid"
start=$(date +%s%N)
kill -INT "$pid"; sleep 0.1; kill -INT "$pid"; wait "$pid"; rc=$?; pid=
took=$(elapsed_ms "$start")
check "the second Ctrl-C exits at once (${took} ms, rc $rc)" test "$took" -lt 450 -a "$rc" -eq 130
check "it says so ($(cat "$work/deaf.out"))" grep -q "interrupted again, exiting now" "$work/deaf.out"
check "the deaf command is not left running" gone "$(cat "$work/deaf.pid")"

echo "$passed passed, $failed failed"
test "$failed" -eq 0
