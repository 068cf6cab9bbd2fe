#!/usr/bin/env bash
# greenlight runbook status RUN, from another process, while a run executed
# in process waits on a gate: it names each check with its verdict, the
# nodes it looks at, its reason and the age of that result; once the flag
# file appears the gate opens and status no longer shows it. A process
# killed while its gate waits leaves nothing that status would trust, and
# status lists a finished run's phases once its runbook file is broken or gone.
set -uo pipefail
gl=${GREENLIGHT:?}
source "$(dirname "$0")/../support/check.sh"
source "$(dirname "$0")/../support/workdir.sh"
gl_pid=
make_workdir gate-status gl_pid

cat >"$dir/site.yaml" <<EOF
site: lab
hosts:
  here: {self: true}
checks:
  flag:
    kind: command
    command: [sh, -c, 'test -e $dir/flag || { echo "no flag file yet, touch it to open the gate"; exit 1; }; echo flag present']
    interval: 1h
    timeout: 5s
runbooks:
  runs: runs
  control: control.sock   # no serve here: the run executes in process
  directory: books
EOF
mkdir "$dir/books"
cat >"$dir/books/gated.yaml" <<EOF
description: a step, a gate on the flag file, another step
gates:
  flag-up:
    description: the flag file exists
    checks: [{check: flag}]
    timeout: 120s
phases:
  - name: one
    title: Before the gate
    steps:
      - run: {on: self, command: "echo one >> $dir/trace"}
    wait_for: [flag-up]
  - name: two
    title: After the gate
    steps:
      - run: {on: self, command: "echo two >> $dir/trace"}
EOF
export GREENLIGHT_CONFIG=$dir/site.yaml
unset GREENLIGHT_CONTROL_SOCKET
reason="CRITICAL flag (on self): exit status 1: no flag file yet, touch it to open the gate \[result of [0-9]*s ago\]"
status_says() { "$gl" runbook status "$run" 2>&1 | grep -q "$1"; }

# 1. exec waits on the gate; status in another process says why it is red.
"$gl" runbook exec gated --yes >"$dir/exec.out" 2>&1 </dev/null &
gl_pid=$!
check "the run started" wait_for 100 eval 'ls "$dir/runs" 2>/dev/null | grep -q "^gated-"'
run=$(ls "$dir/runs" | grep '^gated-')
check "status shows the reason while the gate waits" wait_for 100 status_says "$reason"
out=$("$gl" runbook status "$run" 2>&1)
check "status names the gate, its phase and since when ($out)" \
  grep -q "waiting on gate flag-up (phase one) since [0-9T:Z-]*" <<<"$out"
check "status says which process wrote it ($out)" \
  grep -q "why it is red (as process $gl_pid wrote [0-9]*s ago):" <<<"$out"
check "the executor keeps the file in the run's directory" test -s "$dir/runs/$run/gate-status"
before=$(stat -c '%.9Y %i' "$dir/runs/$run/gate-status")
sleep 2
check "two seconds more of the same red: the file is not written again" \
  test "$(stat -c '%.9Y %i' "$dir/runs/$run/gate-status")" = "$before"

# 2. SIGKILL while the gate waits: nobody holds the run, status shows no reason.
kill -9 "$gl_pid"; wait "$gl_pid" 2>/dev/null; gl_pid=
out=$("$gl" runbook status "$run" 2>&1)
check "status says interrupted ($out)" grep -q "interrupted" <<<"$out"
check "no reason is shown for a run nobody executes ($out)" \
  bash -c '! grep -q "why it is red (as process" <<<"$1"' _ "$out"
check "status names the gate it was waiting on, its reason not known ($out)" \
  grep -q "was waiting on gate flag-up (phase one) since .*; why it is red: not known" <<<"$out"

# 3. resume waits again: the new process's reasons, not the dead one's.
"$gl" runbook resume "$run" --yes >"$dir/resume.out" 2>&1 </dev/null &
gl_pid=$!
check "after resume, status shows the new process's reason" \
  wait_for 100 status_says "why it is red (as process $gl_pid wrote"
check "with the check's reason" wait_for 100 status_says "$reason"

# 4. the flag appears: the gate opens, the run finishes, status shows no reason.
touch "$dir/flag"
exited() { [ ! -e "/proc/$gl_pid" ] || [ "$(awk '{print $3}' "/proc/$gl_pid/stat")" = Z ]; }
check "the run ended" wait_for 200 exited
wait "$gl_pid"; rc=$?; gl_pid=
check "resume finished (rc $rc)" test "$rc" -eq 0
check "the gate opened" grep -q "gate flag-up green after" "$dir/resume.out"
check "phase two ran once" test "$(grep -c '^two$' "$dir/trace")" -eq 1
out=$("$gl" runbook status "$run" 2>&1)
check "status says finished ($out)" grep -q "finished" <<<"$out"
check "status no longer shows the gate ($out)" bash -c '! grep -q "flag-up\|why it is red" <<<"$1"' _ "$out"
check "the gate's status file is gone" test ! -e "$dir/runs/$run/gate-status"

# 5. the run keeps its own copy of the runbook: status lists its phases
# whatever becomes of the file.
check "the run keeps the runbook's file as it started" cmp "$dir/books/gated.yaml" "$dir/runs/$run/runbook.yaml"
printf 'phases: [unclosed\n' >"$dir/books/gated.yaml"
out=$("$gl" runbook status "$run" 2>&1)
check "with the runbook's file broken, status still lists its phases ($out)" \
  grep -q "done     one" <<<"$out"
check "both phases" grep -q "done     two" <<<"$out"
check "and says where they come from" grep -q "phases as the run started.*$run/runbook.yaml" <<<"$out"
rm "$dir/books/gated.yaml"
out=$("$gl" runbook status "$run" 2>&1)
check "with the runbook's file gone, status still lists its phases ($out)" \
  grep -q "done     two" <<<"$out"
check "log still reads the run" grep -q "run-finished" <("$gl" runbook log "$run" 2>&1)

echo "runbook gate status: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
