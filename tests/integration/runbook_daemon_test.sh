#!/usr/bin/env bash
# Runs executed by greenlight serve, submitted through its control socket:
# exec to completion, exec --detach then attach and answer a confirm, a gate
# waited on in /api/v1/gates and greenlight_run_* in /metrics, a client
# killed (and one detached with Ctrl-C) while the run goes on, a resume
# refused because another process holds the run, bad requests answered with
# an error, a pause decided by a terminal attached later, an abort while a
# gate waits, a non-root user refused, and exec in process once serve stopped.
set -uo pipefail
source "$(dirname "$0")/../support/serve_port.sh"
source "$(dirname "$0")/../support/check.sh"
source "$(dirname "$0")/../support/proc_counts.sh"
gl=${GREENLIGHT:?}
py=/usr/bin/python3
source "$(dirname "$0")/../support/workdir.sh"
serve_pid= client_pid= holder_pid=
make_workdir daemon client_pid holder_pid serve_pid

cat >"$dir/site.yaml" <<EOF
site: lab
hosts:
  here: {self: true}
checks:
  flag: {kind: command, command: [test, -e, $dir/flag], interval: 1h, timeout: 5s}
  never: {kind: command, command: [test, -e, $dir/never], interval: 1h, timeout: 5s}
runbooks:
  runs: runs
  control: control.sock
  inline:
    quick:
      phases:
        - name: one
          steps:
            - run: {on: self, command: "echo one >> $dir/trace"}
        - name: two
          steps:
            - run: {on: self, command: "echo two >> $dir/trace"}
    asks:
      phases:
        - name: ask
          steps:
            - confirm: Go on with the test?
            - run: {on: self, command: "echo confirmed >> $dir/trace"}
    gated:
      gates:
        flag-up:
          description: the flag file exists
          checks: [{check: flag}]
          timeout: 30s
      phases:
        - name: wait
          steps:
            - run: {on: self, command: "echo waiting >> $dir/trace"}
          wait_for: [flag-up]
        - name: after
          steps:
            - run: {on: self, command: "echo after >> $dir/trace"}
    failing:
      phases:
        - name: only
          steps:
            - run: {on: self, command: "exit 3"}
            - run: {on: self, command: "echo after-skip >> $dir/trace"}
    blocked:
      gates:
        never-up:
          description: a file nobody makes
          checks: [{check: never}]
          timeout: 60s
      phases:
        - name: stuck
          require: [never-up]
          steps:
            - run: {on: self, command: "echo unblocked >> $dir/trace"}
    slow:
      phases:
        - name: long
          steps:
            - run: {on: self, command: "sleep 2; echo slow >> $dir/trace"}
EOF
chmod 644 "$dir/site.yaml"
export GREENLIGHT_CONFIG=$dir/site.yaml
unset GREENLIGHT_CONTROL_SOCKET  # the site's runbooks: {control:} is tested here
sock=$dir/control.sock

"$gl" serve --listen 127.0.0.1:0 >"$dir/serve.out" 2>&1 &
serve_pid=$!
port=$(serve_port "$dir/serve.out" 100)
check "serve listens ($(cat "$dir/serve.out"))" test -n "$port"
url=http://127.0.0.1:$port
check "serve takes runs on its control socket" grep -q "runs are submitted on $sock" "$dir/serve.out"
check "the control socket is a socket of mode 0600" test -S "$sock" -a "$(stat -c %a "$sock")" = 600

# 1. exec through the daemon, to the end.
out=$("$gl" runbook exec quick --yes 2>&1 </dev/null); rc=$?
check "exec through serve finishes with rc 0 (rc $rc)" test "$rc" -eq 0
check "exec says serve executes the run" grep -q "executes in greenlight serve" <<<"$out"
check "its progress lines come through" grep -q "phase two" <<<"$out"
check "its end comes through" grep -q ": finished" <<<"$out"
check "each step ran once" test "$(tr '\n' ' ' <"$dir/trace")" = "one two "
run=$(ls "$dir/runs" | grep '^quick-')
check "serve's process held the run" test "$(cat "$dir/runs/$run/lock")" = "$serve_pid"
runs=$(curl -s "$url/api/v1/runs")
check "/api/v1/runs shows the run done" $py -c '
import json, sys
runs = {r["id"]: r for r in json.loads(sys.argv[1])["runs"]}
r = runs[sys.argv[2]]
assert r["state"] == "done" and r["runbook"] == "quick", r
assert [p["state"] for p in r["phases"]] == ["done", "done"], r
assert r["phases"][1]["steps"][0]["kind"] == "run" and r["phases"][1]["steps"][0]["duration"] is not None, r
' "$runs" "$run"

# 1b. Nothing of a run stays in serve: descriptors and child processes are
# counted before and after three more runs (their journals, sockets, pipes
# and step processes all end with them; serve_leaks_test checks the same
# with checks running on a schedule).
fds_before=$(fd_count "$serve_pid")
for _ in 1 2 3; do "$gl" runbook exec quick --yes </dev/null >/dev/null 2>&1; done
sleep 0.5
fds_after=$(fd_count "$serve_pid")
check "serve holds no more descriptors after three runs ($fds_before before, $fds_after after)" \
  test "$fds_after" -le "$fds_before"
check "serve has no child process left after the runs ($(child_count "$serve_pid"))" \
  test "$(child_count "$serve_pid")" -eq 0

# 2. exec --detach returns at once; the confirm waits for someone to attach.
out=$("$gl" runbook exec asks --yes --detach 2>&1 </dev/null); rc=$?
check "exec --detach returns 0 (rc $rc)" test "$rc" -eq 0
check "exec --detach says how to attach ($out)" grep -q "detached: follow it with: greenlight runbook attach asks-" <<<"$out"
run=$(grep -o 'attach asks-[0-9-]*' <<<"$out" | awk '{print $2}')
asking() { curl -s "$url/api/v1/runs" | grep -q "\"id\": \"$run\", \"runbook\": \"asks\", \"state\": \"asking\""; }
check "the run waits for an answer (asking)" wait_for 50 asking
check "nothing after the confirm ran" test "$(grep -c confirmed "$dir/trace")" -eq 0
out=$("$gl" runbook status "$run" 2>&1)
check "status names the open question and since when ($out)" \
  grep -q "asking since [0-9T:Z-]* (phase ask, step 1): confirm: Go on with the test?" <<<"$out"
second=$("$gl" runbook exec asks --yes --detach 2>&1 </dev/null); rc=$?
check "a second run of asks is refused by serve while the first asks (rc $rc)" test "$rc" -ne 0
check "the refusal names the run, serve's process and user ($second)" \
  grep -q "$run: executing (process [0-9]*, user root)" <<<"$second"
out=$(printf 'y\n' | timeout 3 "$gl" runbook attach --watch "$run" 2>&1); rc=$?
check "attach --watch shows the open question without answering it ($out)" \
  grep -q "(watching: the run asks \"Go on with the test?\"" <<<"$out"
check "after a watcher the run still asks" wait_for 20 asking
out=$(timeout 20 "$gl" runbook attach "$run" 2>&1 </dev/null); rc=$?
check "attach at end of input detaches without answering (rc $rc)" test "$rc" -eq 5
check "it says the question stays open ($out)" grep -q "end of input: detached without answering" <<<"$out"
check "the run still asks after it (not paused for everyone)" wait_for 20 asking
out=$(printf 'y\n' | timeout 20 "$gl" runbook attach "$run" 2>&1); rc=$?
check "attach, answer yes: finished with rc 0 (rc $rc)" test "$rc" -eq 0
check "attach shows where the run stands" grep -q "run $run of asks is waiting for the operator" <<<"$out"
check "attach asks the open question" grep -q "Go on with the test? \[y/N\]" <<<"$out"
check "the answer is reported" grep -q "answered by uid 0 (root) pid" <<<"$out"
check "the step after the confirm ran once" test "$(grep -c confirmed "$dir/trace")" -eq 1
check "the journal says who confirmed" \
  bash -c '"$1" runbook log "$2" | grep -q "step-finished .*confirmed (answered by uid 0 (root) pid [0-9]* through the control socket)"' _ "$gl" "$run"
check "status says who answered, and when" \
  bash -c '"$1" runbook status "$2" | grep -q "^  answered [0-9-]*T[0-9:]*Z (phase .*confirmed (answered by uid 0 (root) pid [0-9]* through the control socket)"' _ "$gl" "$run"

# 3. a gate waited on: /api/v1/gates and greenlight_run_* in /metrics.
"$gl" runbook exec gated --yes >"$dir/gated.out" 2>&1 </dev/null &
client_pid=$!
red() { curl -s "$url/api/v1/gates" | grep -q '"name": "flag-up", .*"status": "red"'; }
check "the gate shows red in /api/v1/gates" wait_for 80 red
run=$(ls "$dir/runs" | grep '^gated-')
gates=$(curl -s "$url/api/v1/gates")
check "the gate names its run, phase, check, reason and start ($gates)" $py -c '
import json, sys
g = json.loads(sys.argv[1])["gates"][0]
assert g["run"] == sys.argv[2] and g["phase"] == "wait" and g["checks"] == ["flag"], g
assert g["waiting_since"] is not None and "flag" in g["message"], g
' "$gates" "$run"
metrics=$(curl -s "$url/metrics")
check "greenlight_gate_waiting_seconds while it waits" grep -q "^greenlight_gate_waiting_seconds{run=\"$run\",phase=\"wait\",gate=\"flag-up\"} " <<<"$metrics"
check "greenlight_gate_green 0" grep -q "^greenlight_gate_green{run=\"$run\",phase=\"wait\",gate=\"flag-up\"} 0$" <<<"$metrics"
check "greenlight_run_state waiting" grep -q "^greenlight_run_state{run=\"$run\",runbook=\"gated\",state=\"waiting\"} 1$" <<<"$metrics"
check "greenlight_run_phase_state waiting" grep -q "^greenlight_run_phase_state{run=\"$run\",runbook=\"gated\",phase=\"wait\",state=\"waiting\"} 1$" <<<"$metrics"
step_duration() { curl -s "$url/metrics" | grep -q "^greenlight_run_step_duration_seconds{run=\"$run\",runbook=\"gated\",phase=\"wait\",step=\"1\",kind=\"run\"} "; }
# /metrics may be up to 2 s behind the run (docs/exporter.md): ask again until then.
check "greenlight_run_step_duration_seconds of the step done" wait_for 30 step_duration
check "greenlight_runs_active 1" grep -q "^greenlight_runs_active 1$" <<<"$metrics"
check "the client shows why the gate is red" wait_for 30 grep -q "red after" "$dir/gated.out"

# 4. the client killed: the run goes on and finishes.
kill -9 "$client_pid"; wait "$client_pid" 2>/dev/null; client_pid=
touch "$dir/flag"
check "the run finishes without its client" wait_for 100 grep -q '^after$' "$dir/trace"
out=$("$gl" runbook status "$run" 2>&1)
check "status says finished ($out)" grep -q "finished" <<<"$out"

# 5. Ctrl-C on a following client detaches; the run goes on.
"$gl" runbook exec slow --yes >"$dir/slow.out" 2>&1 </dev/null &
client_pid=$!
check "the slow run started" wait_for 50 grep -q "phase long" "$dir/slow.out"
kill -INT "$client_pid"; wait "$client_pid"; rc=$?; client_pid=
check "Ctrl-C: the client exits 5, detached (rc $rc)" test "$rc" -eq 5
check "Ctrl-C: it says so" grep -q "detached: run slow-.* goes on in greenlight serve" "$dir/slow.out"
check "the detached run finishes" wait_for 60 grep -q '^slow$' "$dir/trace"
slow_run=$(grep -o 'run slow-[0-9-]* goes on' "$dir/slow.out" | awk '{print $2}')
slow_ended() { "$gl" runbook status "$slow_run" 2>/dev/null | grep -q "^run $slow_run .* finished"; }
check "the detached run $slow_run ends (one run of slow at a time)" wait_for 60 slow_ended
# SIGHUP (the SSH session lost) of a following client detaches the same way.
"$gl" runbook exec slow --yes >"$dir/slow-hup.out" 2>&1 </dev/null &
client_pid=$!
check "the second slow run started" wait_for 50 grep -q "phase long" "$dir/slow-hup.out"
kill -HUP "$client_pid"; wait "$client_pid"; rc=$?; client_pid=
check "SIGHUP: the client exits 5, detached (rc $rc)" test "$rc" -eq 5
check "SIGHUP: it says so" grep -q "detached: run slow-.* goes on in greenlight serve" "$dir/slow-hup.out"
slow_run=$(grep -o 'run slow-[0-9-]* goes on' "$dir/slow-hup.out" | awk '{print $2}')
check "the run detached by SIGHUP $slow_run ends" wait_for 60 slow_ended

# 6. a run held by another process: serve refuses to resume it, naming it.
"$gl" runbook exec slow --yes --runs "$dir/runs" >"$dir/holder.out" 2>&1 </dev/null &
holder_pid=$!
check "--runs runs in this process" wait_for 50 grep -q "runs given: run slow-.* executes in this process" "$dir/holder.out"
held=$(grep -o 'run slow-[0-9-]* of' "$dir/holder.out" | awk '{print $2}')
out=$("$gl" runbook resume "$held" --yes 2>&1 </dev/null); rc=$?
check "resume of a held run is refused with the holder's pid (rc $rc: $out)" grep -q "being executed by process $holder_pid" <<<"$out"
check "... a refusal: exit 1 (rc $rc)" test "$rc" -eq 1
check "... saying it is followed from its terminal, stopped with Ctrl-C there ($out)" \
  grep -q "run $held executes in process $holder_pid of .*(not in greenlight serve).*kill -INT $holder_pid" <<<"$out"
out=$("$gl" runbook attach "$held" 2>&1 </dev/null); rc=$?
check "attach of a run a process of its own executes: refused, exit 1 (rc $rc)" test "$rc" -eq 1
check "... not in serve, followed from its terminal ($out)" \
  grep -q "not executing in greenlight serve: run $held executes in process $holder_pid of .*only from that terminal\|without a terminal" <<<"$out"
wait "$holder_pid"; holder_pid=
# (two slow runs of serve above, Ctrl-C and SIGHUP detached, and the holder's)
check "the holder ran its step once" test "$(grep -c '^slow$' "$dir/trace")" -eq 3

# 7. bad requests get an error line; serve goes on.
answers=$($py - "$sock" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); f = s.makefile("rw")
for line in ["this is not json", '{"request": "exec"}', '{"request": "attach", "run": "nope"}']:
    f.write(line + "\n"); f.flush(); print(f.readline().strip())
EOF
)
check "malformed JSON: a clear error ($answers)" grep -q '"message":"bad request: not JSON: ' <<<"$answers"
check "a missing field: named" grep -q 'exec: \\"runbook\\" is missing' <<<"$answers"
check "an unknown run: not executing" grep -q 'run nope is not executing in greenlight serve' <<<"$answers"
check "serve is still up" kill -0 "$serve_pid"

# 8. a failed step pauses with nobody attached; attach and skip it.
out=$("$gl" runbook exec failing --yes --detach 2>&1 </dev/null)
run=$(grep -o 'attach failing-[0-9-]*' <<<"$out" | awk '{print $2}')
check "the failing run waits for a decision" wait_for 50 eval 'curl -s "$url/api/v1/runs" | grep -q "\"id\": \"$run\", \"runbook\": \"failing\", \"state\": \"asking\""'
out=$(printf 'skip
checked by the test
' | timeout 20 "$gl" runbook attach "$run" 2>&1); rc=$?
check "attach, skip the failed step: finished (rc $rc)" test "$rc" -eq 0
check "attach shows the pause and its choices ($out)" grep -q "retry-failed" <<<"$out"
check "the skip reason is journaled" grep -q "step-skipped.*checked by the test" <("$gl" runbook log "$run" 2>&1)
check "the step after it ran" grep -q '^after-skip$' "$dir/trace"

# 9. abort a run serve executes, while it waits on a gate.
out=$("$gl" runbook exec blocked --yes --detach 2>&1 </dev/null)
run=$(grep -o 'attach blocked-[0-9-]*' <<<"$out" | awk '{print $2}')
waiting() { curl -s "$url/api/v1/gates" | grep -q "\"name\": \"never-up\", \"run\": \"$run\""; }
check "the blocked run waits on its gate" wait_for 50 waiting
out=$("$gl" runbook status "$run" 2>&1)
check "status names the gate waited on and since when ($out)" \
  grep -q "waiting on gate never-up (phase stuck) since [0-9T:Z-]*" <<<"$out"
says_why() {
  "$gl" runbook status "$run" 2>&1 |
    grep -q "CRITICAL never (on self): exit status 1 \[result of [0-9]*s ago\]"
}
check "status says why it is red, as serve's executor wrote it" wait_for 100 says_why
out=$("$gl" runbook abort "$run" --reason "aborted by the test" 2>&1); rc=$?
check "abort through serve (rc $rc: $out)" test "$rc" -eq 0
check "abort says so" grep -q "run $run: aborted" <<<"$out"
check "the abort and its reason are journaled" grep -q "run-aborted.*aborted by the test" <("$gl" runbook log "$run" 2>&1)
aborter=$("$gl" runbook log "$run" 2>&1 | grep -o "run-aborted.*(aborted by uid [0-9]* ([a-z0-9_-]*) pid [0-9]* through the control socket)" | grep -o "pid [0-9]*" | awk '{print $2}')
check "the abort names who asked for it, the client, not serve (pid ${aborter:-none}, serve $serve_pid)" \
  test -n "$aborter" -a "$aborter" != "$serve_pid"
aborted_shown() { curl -s "$url/api/v1/runs" | grep -q "\"id\": \"$run\", \"runbook\": \"blocked\", \"state\": \"aborted\""; }
check "/api/v1/runs shows it aborted ($(curl -s "$url/api/v1/runs" | grep -o "\"id\": \"$run[^}]*"))" wait_for 20 aborted_shown
check "the gate is no longer listed" eval '! waiting'
check "the gate's status file is gone with the run" test ! -e "$dir/runs/$run/gate-status"
check "nothing after the gate ran" test "$(grep -c unblocked "$dir/trace")" -eq 0

# 10. a non-root user: refused by the socket's mode, then by serve itself.
chmod 755 "$dir"
cp "$gl" "$dir/greenlight"  # the build tree may be out of nobody's reach
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$dir/greenlight" "$@"; }
out=$(as_nobody runbook exec quick --yes 2>&1); rc=$?
check "nobody is refused by the socket's mode (rc $rc: $out)" grep -q "control.sock: Permission denied: only root" <<<"$out"
chmod 666 "$sock"
out=$(as_nobody runbook exec quick --yes 2>&1); rc=$?
check "nobody is refused by serve's peer check (rc $rc: $out)" grep -q "greenlight serve refuses uid 65534 (nobody) pid [0-9]*: only root" <<<"$out"
check "refused: rc 1" test "$rc" -eq 1
check "nothing ran for nobody" test "$(grep -c '^one$' "$dir/trace")" -eq 4

# 11. serve stopped: exec runs in this process and says so.
kill -TERM "$serve_pid"; wait "$serve_pid"; serve_pid=
check "serve removes its socket" test ! -e "$sock"
out=$("$gl" runbook exec quick --yes 2>&1 </dev/null); rc=$?
check "without serve, exec runs in process (rc $rc)" test "$rc" -eq 0
check "and says so ($out)" grep -q "no daemon at $sock: run quick-.* executes in this process" <<<"$out"
check "the steps ran" test "$(grep -c '^two$' "$dir/trace")" -eq 5

echo "runbook daemon: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
