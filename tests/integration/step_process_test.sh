#!/usr/bin/env bash
# A step's commands are owned by the run: the process group of a local step
# is journaled when it starts. After a crash (SIGKILL of an in-process
# `runbook exec`, or of `greenlight serve`) resume says the step may still be
# running (process group, since when, pid) and retry refuses to start a
# second copy while it lives, unless `retry --force` (journaled with who).
# An orderly stop (SIGTERM of runbook exec or of serve, an abort through
# serve) ends the group and journals it; so does `runbook abort` of a run
# whose process was killed. A step whose SSH session was lost names the hosts where its
# command may still run.
set -uo pipefail
gl=${GREENLIGHT:?}
source "$(dirname "$0")/../support/check.sh"
source "$(dirname "$0")/../support/serve_port.sh"
work=$(mktemp -d /tmp/greenlight-step-process.XXXXXX)
pid= serve_pid= listener_pid=
cleanup() {
  for p in $pid $serve_pid $listener_pid; do kill -9 "$p" 2>/dev/null; done
  [ -s "$work/step.pids" ] && while read -r p; do kill -9 "$p" 2>/dev/null; done <"$work/step.pids"
  rm -rf "$work"
}
trap cleanup EXIT
[ -n "${KEEP:-}" ] && trap - EXIT && echo "keeping $work"
running() {  # PID: runs (a zombie does not)
  local state
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)
  [[ -n $state && $state != Z ]]
}
gone() { ! running "$1"; }
lines() { [ "$(wc -l <"$1" 2>/dev/null || echo 0)" -ge "$2" ]; }
# A silent SSH server: accepts and never speaks, so the session hangs.
listener_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(8)
held = []
while True:
    c, _ = s.accept(); held.append(c)
' "$listener_port" &
listener_pid=$!
disown "$listener_pid"
: >"$work/known_hosts"

cat >"$work/site.yaml" <<YAML
site: t
hosts:
  here: {self: true}
  far1: {address: 127.0.0.1, port: $listener_port}
ssh: {known_hosts: $work/known_hosts, connect_timeout: 2m}
runbooks:
  runs: $work/runs
  control: $work/control.sock
  inline:
    long:
      phases:
        - name: only
          steps:
            - run: {on: self, command: "echo \$\$ >> $work/step.pids; [ -e $work/quick ] && exit 0; exec sleep 300", timeout: 10m}
    remote:
      phases:
        - name: only
          steps:
            - run: {on: far1, command: "sleep 300", timeout: 10m}
YAML
log() { "$gl" -c "$work/site.yaml" runbook log "$1" 2>&1; }
newest() { ls -t "$work/runs" | grep "^$1-" | head -1; }

# 1. SIGKILL of an in-process runbook exec: the step's group lives on.
"$gl" -c "$work/site.yaml" runbook exec long --yes >"$work/exec.out" 2>&1 </dev/null &
pid=$!
check "the step started" wait_for 100 lines "$work/step.pids" 1
step=$(sed -n 1p "$work/step.pids")
kill -9 "$pid"; wait "$pid" 2>/dev/null; pid=
run=$(newest long)
check "the journal holds the step's process group ($(log "$run" | grep step-process))" \
  grep -q "step-process.*pgid=$step pid=$step boot=[0-9a-f-]* start=[0-9]* node=here" <<<"$(log "$run")"
check "the step's command outlived the SIGKILL (pid $step)" running "$step"
out=$(printf 'retry\nlater\n' | "$gl" -c "$work/site.yaml" runbook resume "$run" --yes 2>&1); rc=$?
check "resume says the step may still be running, with its group, since when and pid ($out)" \
  grep -Eq "step 1 may still be running: process group $step since [0-9]{2}:[0-9]{2}:[0-9]{2}, pid $step" <<<"$out"
check "retry refuses to start a second copy" grep -q "retry refused: step 1 still runs (process group $step" <<<"$out"
check "it offers retry --force" grep -q "retry --force" <<<"$out"
check "the run is left paused (rc $rc)" test "$rc" -eq 3
check "no second copy was started" test "$(wc -l <"$work/step.pids")" -eq 1
touch "$work/quick"
out=$(printf 'retry --force\n' | "$gl" -c "$work/site.yaml" runbook resume "$run" --yes 2>&1); rc=$?
check "retry --force starts it beside the first and the run finishes (rc $rc: $out)" test "$rc" -eq 0
check "a second copy ran" test "$(wc -l <"$work/step.pids")" -eq 2
check "the force is journaled with who gave it" \
  grep -q "run-resumed.*retry --force (answered by uid [0-9]* ([a-z0-9_-]*) pid [0-9]*" <<<"$(log "$run")"
check "the first copy was left alone (it is the operator's)" running "$step"
kill -9 "$step"; rm -f "$work/quick"; : >"$work/step.pids"

# 1b. SIGKILL, then abort: the abort ends the command the interrupted step
# left running, so that a new run does not start it a second time beside it.
"$gl" -c "$work/site.yaml" runbook exec long --yes >"$work/exec.out" 2>&1 </dev/null &
pid=$!
check "the step started for the abort" wait_for 100 lines "$work/step.pids" 1
step=$(sed -n 1p "$work/step.pids")
kill -9 "$pid"; wait "$pid" 2>/dev/null; pid=
run=$(newest long)
out=$("$gl" -c "$work/site.yaml" runbook abort "$run" --reason "test: killed, then aborted" 2>&1); rc=$?
check "abort after a SIGKILL (rc $rc: $out)" test "$rc" -eq 0
check "abort says it ended the step's command" \
  grep -q "step 1 of phase only: ended its command, still running since the run was interrupted (process group $step, SIGTERM, on here)" <<<"$out"
check "the command is gone" wait_for 30 gone "$step"
check "the end is journaled with the abort's reason" \
  grep -q "step-process-ended.*pgid=$step signal=TERM: test: killed, then aborted" <<<"$(log "$run")"
check "the abort is journaled with who asked, by uid and pid ($(log "$run" | grep run-aborted))" \
  grep -Eq "run-aborted.*test: killed, then aborted \(aborted by uid [0-9]+ \([a-z0-9_-]+\) pid [0-9]+" <<<"$(log "$run")"
touch "$work/quick"
out=$("$gl" -c "$work/site.yaml" runbook exec long --yes 2>&1 </dev/null); rc=$?
check "a new run then runs the step once (rc $rc)" test "$rc" -eq 0 -a "$(wc -l <"$work/step.pids")" -eq 2
rm -f "$work/quick"; : >"$work/step.pids"

# 1c. SIGKILL, then the journal damaged after the step's start: the abort
# still ends what the records before the damage say the step runs.
"$gl" -c "$work/site.yaml" runbook exec long --yes >"$work/exec.out" 2>&1 </dev/null &
pid=$!
check "the step started before the damage" wait_for 100 lines "$work/step.pids" 1
step=$(sed -n 1p "$work/step.pids")
kill -9 "$pid"; wait "$pid" 2>/dev/null; pid=
run=$(newest long)
echo 'not a journal record' >>"$work/runs/$run/journal"
echo '{"seq": 1}' >>"$work/runs/$run/journal"
out=$("$gl" -c "$work/site.yaml" runbook abort "$run" --reason "test: damaged" 2>&1); rc=$?
check "abort of a damaged journal (rc $rc: $out)" test "$rc" -eq 0
check "it says the journal was damaged and kept ($out)" grep -q "kept as journal.damaged" <<<"$out"
check "it says it ended the step's command ($out)" \
  grep -q "ended its command, still running since the run was interrupted (process group $step, SIGTERM" <<<"$out"
check "the command of the damaged run is gone" wait_for 30 gone "$step"
check "the new journal records the end ($(log "$run" | grep step-process-ended))" \
  grep -q "step-process-ended.*pgid=$step signal=TERM: test: damaged" <<<"$(log "$run")"
: >"$work/step.pids"

# 2. SIGTERM of an in-process runbook exec: the group is ended and journaled.
"$gl" -c "$work/site.yaml" runbook exec long --yes >"$work/exec.out" 2>&1 </dev/null &
pid=$!
check "the step started again" wait_for 100 lines "$work/step.pids" 1
step=$(sed -n 1p "$work/step.pids")
kill -TERM "$pid"; wait "$pid" 2>/dev/null; pid=
run=$(newest long)
check "SIGTERM ended the step's group" wait_for 20 gone "$step"
check "the end is journaled ($(log "$run" | grep step-process-ended))" \
  grep -q "step-process-ended.*pgid=$step signal=TERM: greenlight runbook stopped by signal 15" <<<"$(log "$run")"
touch "$work/quick"
out=$(printf 'retry\n' | "$gl" -c "$work/site.yaml" runbook resume "$run" --yes 2>&1); rc=$?
check "resume says the command was ended at the stop ($out)" \
  grep -q "its command was ended when greenlight stopped (process group $step, SIGTERM)" <<<"$out"
check "retry is not refused and the run finishes (rc $rc)" test "$rc" -eq 0
rm -f "$work/quick"; : >"$work/step.pids"

# 3. A remote step whose SSH session was lost: resume names the host.
"$gl" -c "$work/site.yaml" runbook exec remote --yes >"$work/remote.out" 2>&1 </dev/null &
pid=$!
run=
has_remote() { run=$(newest remote); [ -n "$run" ] && log "$run" | grep -q step-remote; }
check "the remote step started" wait_for 100 has_remote
kill -9 "$pid"; wait "$pid" 2>/dev/null; pid=
out=$(printf 'later\n' | "$gl" -c "$work/site.yaml" runbook resume "$run" 2>&1)
check "resume names the host where the command may still run ($out)" \
  grep -q "sent over SSH to far1 and may still be running there" <<<"$out"
printf 'abort\ntest over\n' | "$gl" -c "$work/site.yaml" runbook resume "$run" >/dev/null 2>&1

# 4. Through greenlight serve: SIGKILL of serve, then resume through a new serve.
start_serve() {
  "$gl" -c "$work/site.yaml" serve --listen 127.0.0.1:0 >"$work/serve.out" 2>&1 &
  serve_pid=$!
  check "serve listens" test -n "$(serve_port "$work/serve.out" 100)"
}
start_serve
out=$("$gl" -c "$work/site.yaml" runbook exec long --yes --detach 2>&1 </dev/null)
check "serve took the run ($out)" grep -q "executes in greenlight serve" <<<"$out"
check "the step started in serve" wait_for 100 lines "$work/step.pids" 1
step=$(sed -n 1p "$work/step.pids")
run=$(newest long)
kill -9 "$serve_pid"; wait "$serve_pid" 2>/dev/null; serve_pid=
check "the step's command outlived serve's SIGKILL" running "$step"
start_serve
out=$(printf 'retry\nlater\n' | timeout 30 "$gl" -c "$work/site.yaml" runbook resume "$run" --yes 2>&1); rc=$?
check "resume through serve says the step may still be running ($out)" \
  grep -Eq "step 1 may still be running: process group $step since [0-9:]{8}, pid $step" <<<"$out"
check "retry through serve is refused" grep -q "retry refused: step 1 still runs" <<<"$out"
check "no second copy was started through serve" test "$(wc -l <"$work/step.pids")" -eq 1
# 4b. Abort as the answer to that question: the step the killed serve left
# running ends with the run (a new run must not start it beside it).
out=$(printf 'abort\ntest: abort at the question\n' | timeout 30 "$gl" -c "$work/site.yaml" runbook resume "$run" 2>&1)
check "the abort at the question ended the old step's group ($out)" wait_for 30 gone "$step"
check "the end is journaled with the answer's reason and who ($(log "$run" | grep step-process-ended))" \
  grep -q "step-process-ended.*pgid=$step signal=TERM: test: abort at the question (answered by uid" <<<"$(log "$run")"
: >"$work/step.pids"

# 5. An abort through serve ends the running step's group and journals it.
out=$("$gl" -c "$work/site.yaml" runbook exec long --yes --detach 2>&1 </dev/null)
check "the step started in serve again" wait_for 100 lines "$work/step.pids" 1
step=$(sed -n 1p "$work/step.pids")
run=$(newest long)
out=$("$gl" -c "$work/site.yaml" runbook abort "$run" --reason "test abort" 2>&1)
check "the abort ended the step's group" wait_for 30 gone "$step"
check "the end is journaled with the abort's reason ($(log "$run" | grep step-process-ended))" \
  grep -q "step-process-ended.*pgid=$step signal=TERM: the run was aborted: test abort" <<<"$(log "$run")"
: >"$work/step.pids"

# 6. SIGTERM of serve while a step runs: an orderly stop, journaled.
out=$("$gl" -c "$work/site.yaml" runbook exec long --yes --detach 2>&1 </dev/null)
check "the step started in serve once more ($out)" wait_for 100 lines "$work/step.pids" 1
step=$(sed -n 1p "$work/step.pids")
run=$(newest long)
kill -TERM "$serve_pid"; wait "$serve_pid" 2>/dev/null; serve_pid=
check "stopping serve ended the step's group" wait_for 30 gone "$step"
check "the end is journaled ($(log "$run" | grep step-process-ended))" \
  grep -q "step-process-ended.*pgid=$step signal=TERM: greenlight serve is stopping" <<<"$(log "$run")"

echo "$passed passed, $failed failed"
test "$failed" -eq 0
