#!/usr/bin/env bash
# greenlight runbook check NAME -o json: the document validates against
# docs/schema/runbook-check.v1.json and gives the verdicts the text gives,
# gate by gate and check by check (real commands and fping on loopback): a
# gate before the first step must be green now, a later one must be able to
# look, a gate over a group known only at run time is not judged before it.
set -uo pipefail
src=${GREENLIGHT_SOURCE_DIR:?}
gl=${GREENLIGHT:?}
source "$(dirname "$0")/../support/json_doc.sh"

cat >"$dir/site.yaml" <<EOF
site: lab
hosts:
  here: {self: true}
checks:
  flag: {kind: command, command: [test, -e, $dir/flag], interval: 1h, timeout: 5s}
  look:
    kind: nagios
    command: [sh, -c, 'if test -e $dir/lookable; then echo "OK: looked"; else echo "UNKNOWN: cannot look"; exit 3; fi']
    interval: 1h
    timeout: 5s
  ping: {kind: fping, targets: 127.0.0.1, count: 1, interval: 1h, timeout: 10s}
runbooks:
  runs: runs
  control: control.sock
  inline:
    ready:
      gates:
        flag-up: {description: the flag file exists, checks: [{check: flag}], timeout: 5s}
        later: {description: loopback answers and the probe can look, checks: [{check: ping}, {check: look}], timeout: 5s}
      phases:
        - name: pre
          require: [flag-up]
          steps:
            - run: {on: self, command: "true"}
          wait_for: [later]
    runtime:
      gates:
        saved: {description: the saved nodes answer, checks: [{check: ping, targets: "@run:x"}], timeout: 5s}
      phases:
        - name: first
          require: [saved]
          steps:
            - run: {on: self, command: "true"}
EOF
export GREENLIGHT_CONFIG=$dir/site.yaml
unset GREENLIGHT_CONTROL_SOCKET

# Neither the flag nor the probe: the first gate blocks (not OK before the
# first step), the later one too (a check that cannot look).
"$gl" runbook check ready -o json >"$dir/blocks.json" 2>"$dir/blocks.err"; rc=$?
check "blocking: valid greenlight/runbook-check/v1 ($(head -c 400 "$dir/blocks.json"))" \
  json_valid runbook-check "$dir/blocks.json"
check "blocking: exit 1 (rc $rc)" test "$rc" -eq 1
check "blocking: nothing on stderr ($(head -c 300 "$dir/blocks.err"))" test ! -s "$dir/blocks.err"
check "blocking: the runbook, blocks" \
  test "$(json_value "$dir/blocks.json" 'd["runbook"], d["blocks"]')" = "('ready', True)"
check "blocking: the summary names the first gate that blocks" \
  json_true "$dir/blocks.json" 'd["summary"].startswith("would block at gate flag-up (phase pre) because flag: ")'
check "blocking: the gates in the order they are waited on, where, whether before the first step" \
  test "$(json_value "$dir/blocks.json" '[(g["gate"], g["phase"], g["before_first_step"], g["blocks"]) for g in d["gates"]]')" = \
  "[('flag-up', 'pre', True, True), ('later', 'pre', False, True)]"
check "blocking: the flag check is CRITICAL and blocks, saying why" \
  test "$(json_value "$dir/blocks.json" '(lambda c: (c["check"], c["evaluated"], c["nodes"], c["status"], c["blocks"], c["why"]))(d["gates"][0]["checks"][0])')" = \
  "('flag', 'flag', None, 'CRITICAL', True, 'CRITICAL now; the run waits here before its first step')"
check "blocking: fping on loopback is OK, with its node set, and does not block" \
  test "$(json_value "$dir/blocks.json" '(lambda c: (c["check"], c["nodes"], c["status"], c["blocks"], c["why"]))(d["gates"][1]["checks"][0])')" = \
  "('ping', 'targets=127.0.0.1', 'OK', False, None)"
check "blocking: the probe that cannot look blocks the later gate" \
  test "$(json_value "$dir/blocks.json" '(lambda c: (c["status"], c["message"], c["blocks"], c["why"]))(d["gates"][1]["checks"][1])')" = \
  "('UNKNOWN', 'UNKNOWN: cannot look', True, 'cannot look now: on the day this gate would stay red for want of evidence')"
check "blocking: every check ran, in seconds" \
  json_true "$dir/blocks.json" 'all(0 <= c["duration_seconds"] < 10 for g in d["gates"] for c in g["checks"])'
"$gl" runbook check ready >"$dir/blocks.txt" 2>&1
check "blocking: the text counts as many blocking gates" \
  grep -q "^$(json_value "$dir/blocks.json" 'sum(g["blocks"] for g in d["gates"])') of 2 gates would block now" "$dir/blocks.txt"

# Both there: ready.
touch "$dir/flag" "$dir/lookable"
"$gl" runbook check ready --output json >"$dir/ready.json"; rc=$?
check "ready: valid document ($(head -c 300 "$dir/ready.json"))" json_valid runbook-check "$dir/ready.json"
check "ready: exit 0 (rc $rc)" test "$rc" -eq 0
check "ready: nothing blocks, no reason given" \
  json_true "$dir/ready.json" 'not d["blocks"] and not any(g["blocks"] for g in d["gates"]) and all(c["why"] is None and c["status"] == "OK" for g in d["gates"] for c in g["checks"])'
check "ready: the summary" \
  test "$(json_value "$dir/ready.json" 'd["summary"]')" = "ready: none of its 2 gates would block now"

# A gate over a group a run saves: not judged before the run, never run.
"$gl" runbook check runtime -o json >"$dir/runtime.json"; rc=$?
check "run-time group: valid document ($(head -c 400 "$dir/runtime.json"))" json_valid runbook-check "$dir/runtime.json"
check "run-time group: blocks, exit 1 (rc $rc)" test "$rc" -eq 1
check "run-time group: UNKNOWN, not run: no duration" \
  test "$(json_value "$dir/runtime.json" '(lambda c: (c["check"], c["status"], c["blocks"], c["duration_seconds"]))(d["gates"][0]["checks"][0])')" = \
  "('ping', 'UNKNOWN', True, None)"
check "run-time group: says it is known only at run time" \
  json_true "$dir/runtime.json" '"known only at run time" in d["gates"][0]["checks"][0]["message"]'

"$gl" runbook check nosuch -o json >"$dir/nosuch.out" 2>"$dir/nosuch.err"; rc=$?
check "an unknown runbook: exit 1, no document, the error on stderr (rc $rc)" \
  test "$rc" -eq 1 -a ! -s "$dir/nosuch.out" -a -s "$dir/nosuch.err"
check "no run was made" test -z "$(ls "$dir/runs" 2>/dev/null)"
echo "$passed passed, $failed failed"
test "$failed" -eq 0
