#!/usr/bin/env bash
# An orderly stop ends what greenlight started: Ctrl-C (SIGINT) of
# `greenlight check` and `greenlight exec`, SIGTERM of an in-process
# `runbook exec`: the local commands (their whole process group) end with it,
# within a second or two, and are not left running under init.
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
  slow: {kind: command, command: [sh, -c, "sleep 60 & echo \$! > $work/check.pid; wait"], timeout: 2m}
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

# greenlight check, Ctrl-C.
"$gl" -c "$work/site.yaml" check slow >"$work/check.out" 2>&1 &
pid=$!
check "the check's command started" wait_file "$work/check.pid"
start=$(date +%s%N)
kill -INT "$pid"; wait "$pid"; rc=$?; pid=
took=$(elapsed_ms "$start")
check "check stops within a second or so of Ctrl-C (${took} ms, rc $rc)" test "$took" -lt 1500
check "check says so ($(cat "$work/check.out"))" grep -q "signal 2: stopped (1 local command ended)" "$work/check.out"
check "the check's command is not left running" gone "$(cat "$work/check.pid")"

# greenlight exec on greenlight's own host, Ctrl-C.
"$gl" -c "$work/site.yaml" exec -w here -- "sleep 60 & echo \$! > $work/exec.pid; wait" >"$work/exec.out" 2>&1 &
pid=$!
check "exec's command started" wait_file "$work/exec.pid"
start=$(date +%s%N)
kill -INT "$pid"; wait "$pid"; rc=$?; pid=
took=$(elapsed_ms "$start")
check "exec stops within a second or so of Ctrl-C (${took} ms, rc $rc)" test "$took" -lt 1500
check "exec's command is not left running" gone "$(cat "$work/exec.pid")"

# runbook exec in this process, SIGTERM while its step runs.
"$gl" -c "$work/site.yaml" runbook exec long --yes >"$work/run.out" 2>&1 </dev/null &
pid=$!
check "the step started" wait_file "$work/step.pid"
start=$(date +%s%N)
kill -TERM "$pid"; wait "$pid"; rc=$?; pid=
took=$(elapsed_ms "$start")
check "runbook exec stops within two seconds of SIGTERM (${took} ms, rc $rc)" test "$took" -lt 2500
check "it says it ended the step's command ($(tail -2 "$work/run.out"))" grep -q "ended 1 running command" "$work/run.out"
check "the step's command is not left running" gone "$(cat "$work/step.pid")"
run=$(ls "$work/runs" | grep '^long-')
out=$(printf 'abort\ntest done\n' | "$gl" -c "$work/site.yaml" runbook resume "$run" --yes 2>&1)
check "resume puts the interrupted step to the operator ($out)" grep -q "may or may not have taken effect" <<<"$out"

echo "$passed passed, $failed failed"
test "$failed" -eq 0
