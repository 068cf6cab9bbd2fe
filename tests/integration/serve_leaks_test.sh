#!/usr/bin/env bash
# Nothing stays behind in greenlight serve: its open descriptors
# (/proc/PID/fd) and its child processes (/proc/*/stat whose parent is serve)
# are the same before and after runs submitted on the control socket (a gate
# waited on, steps, a failed step and the run aborted), scrapes and a few
# rounds of every check (fping, a Nagios plugin, commands, one killed at its
# timeout); and once
# serve stopped, no process it started is left: none in its session, none
# with its mark in the environment. Under `make test-sanitize` the same run
# is also checked for leaks of memory.
set -uo pipefail
source "$(dirname "$0")/../support/serve_port.sh"
source "$(dirname "$0")/../support/check.sh"
source "$(dirname "$0")/../support/proc_counts.sh"
gl=${GREENLIGHT:?}
dir=$(mktemp -d /tmp/greenlight-leaks-XXXXXX)
mark="GREENLIGHT_LEAKS_TEST=$$-$RANDOM"
serve_pid=
cleanup() {
  [[ -n $serve_pid ]] && kill -9 "$serve_pid" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT

cat >"$dir/site.yaml" <<EOF
site: lab
hosts:
  here: {address: 127.0.0.1, self: true}
groups:
  loopback: 127.0.0.[1-2]
checks:
  ping: {kind: fping, targets: "@loopback", count: 1, interval: 1s, timeout: 5s}
  plugin:
    kind: nagios
    command: [/usr/lib/nagios/plugins/check_dummy, "0", "fine"]
    interval: 1s
  flag: {kind: command, command: [test, -e, $dir/flag], interval: 1s, timeout: 5s}
  slow: {kind: command, command: [sleep, "5"], interval: 1s, timeout: 200ms}
runbooks:
  runs: runs
  control: control.sock
  inline:
    short:
      gates:
        flag-up:
          description: the flag file exists
          checks: [{check: flag}]
          timeout: 30s
      phases:
        - name: one
          steps:
            - run: {on: self, command: "echo one >> $dir/trace"}
          wait_for: [flag-up]
        - name: two
          steps:
            - run: {on: self, command: "echo two | cat >> $dir/trace"}
    failing:
      phases:
        - name: only
          steps:
            - run: {on: self, command: "exit 3"}
EOF
export GREENLIGHT_CONFIG=$dir/site.yaml
unset GREENLIGHT_CONTROL_SOCKET  # the site's runbooks: {control:}
touch "$dir/flag"

# serve leads a session of its own and carries a mark in its environment:
# whatever it starts is found by either once serve is gone.
env "$mark" setsid "$gl" serve --listen 127.0.0.1:0 >"$dir/serve.out" 2>&1 &
serve_pid=$!
port=$(serve_port "$dir/serve.out" 100)
check "serve listens ($(cat "$dir/serve.out"))" test -n "$port"
url=http://127.0.0.1:$port

last_run() {  # CHECK -> the check's latest run (Unix seconds, whole), or 0
  curl -s "$url/metrics" |
    awk -v c="check=\"$1\"" 'index($0, "greenlight_check_last_run_timestamp_seconds{" c) == 1 {
      printf "%d\n", $2; found = 1 } END { if (!found) print 0 }'
}
rounds_after() {  # SECONDS: true once every check ran again after that time
  local check
  for check in ping plugin flag slow; do
    [[ $(last_run "$check") -gt $1 ]] || return 1
  done
}
ready() { rounds_after 0; }
check "every check ran once" wait_for 150 ready

# What serve holds between two rounds of checks: the least of 20 samples.
fds() { fd_count "$serve_pid"; }
children() { child_count "$serve_pid"; }
fds_before=$(least 20 1 fds)
children_before=$(least 20 1 children)
check "serve has no child process between rounds ($children_before)" test "$children_before" -eq 0

for round in 1 2 3; do
  out=$("$gl" runbook exec short --yes 2>&1 </dev/null); rc=$?
  check "run $round of short through serve finishes with rc 0 (rc $rc)" test "$rc" -eq 0
  check "run $round is executed by serve ($out)" grep -q "executes in greenlight serve" <<<"$out"
  # A failed step waits for the operator's decision: the run is aborted.
  out=$("$gl" runbook exec failing --yes 2>&1 </dev/null); rc=$?
  check "run $round of failing stops at its failed step (rc $rc)" test "$rc" -ne 0
  failing=$(grep -o 'failing-[0-9-]*' <<<"$out" | head -1)
  out=$("$gl" runbook abort "$failing" --reason "ended by the test" 2>&1); rc=$?
  check "run $round of failing ($failing) is aborted (rc $rc: $out)" test "$rc" -eq 0
  aborted() { curl -s "$url/api/v1/runs" | grep -q "\"id\": \"$failing\", \"runbook\": \"failing\", \"state\": \"aborted\""; }
  check "run $round of failing ends aborted" wait_for 100 aborted
  for path in /metrics /api/v1/runs /api/v1/checks /; do curl -s -o /dev/null "$url$path"; done
done
check "every step of short ran three times" test "$(grep -c . "$dir/trace")" -eq 6
# Three more rounds of every check after the runs (1 s apart).
runs_ended=$(date +%s)
three_rounds() { rounds_after $((runs_ended + 2)); }
check "every check ran three more rounds" wait_for 200 three_rounds

fds_after=$(least 20 1 fds)
children_after=$(least 20 1 children)
check "serve holds as many descriptors after the runs and rounds ($fds_before before, $fds_after after: $(ls -l "/proc/$serve_pid/fd" | tail -n +2 | awk '{print $NF}' | sort | uniq -c | tr '\n' ';'))" \
  test "$fds_after" -eq "$fds_before"
check "serve has as many child processes after ($children_before before, $children_after after)" \
  test "$children_after" -eq "$children_before"

kill -TERM "$serve_pid"
wait "$serve_pid"; rc=$?
check "serve stops on SIGTERM with rc 0 (rc $rc: $(tail -3 "$dir/serve.out"))" test "$rc" -eq 0
sid=$serve_pid serve_pid=
left=$(processes_left "$sid" "$mark")
check "no process serve started is left ($(for pid in $left; do tr '\0' ' ' <"/proc/$pid/cmdline"; echo; done))" \
  test -z "$left"
# Whatever was left was started by this test's serve: end it by PID.
for pid in $left; do kill -9 "$pid" 2>/dev/null; done

echo "serve held $fds_before descriptors and $children_before children before, $fds_after and $children_after after"
echo "serve leaks: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
