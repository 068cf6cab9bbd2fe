#!/usr/bin/env bash
# greenlight runbook log RUN -o json: the document validates against
# docs/schema/runbook-log.v1.json and holds the journal record by record,
# as the text log does (runs made by the runbook engine).
set -uo pipefail
src=${GREENLIGHT_SOURCE_DIR:?}
gl=${GREENLIGHT:?}
source "$(dirname "$0")/../support/json_doc.sh"
source "$(dirname "$0")/../support/json_runs.sh"
make_runs "$dir"

"$gl" runbook log "$done_run" -o json >"$dir/log.json"; rc=$?
check "valid greenlight/runbook-log/v1, rc 0 (rc $rc: $(head -c 300 "$dir/log.json"))" \
  json_valid runbook-log "$dir/log.json"
check "the run it is of" test "$(json_value "$dir/log.json" 'd["run"]')" = "$done_run"
check "one record per line of the text log" \
  test "$(json_value "$dir/log.json" 'len(d["records"])')" -eq "$("$gl" runbook log "$done_run" | wc -l)"
check "numbered 1, 2, 3... in order" \
  json_true "$dir/log.json" '[r["sequence"] for r in d["records"]] == list(range(1, len(d["records"]) + 1))'
check "it starts with the runbook's name and ends finished" \
  test "$(json_value "$dir/log.json" 'd["records"][0]["event"], d["records"][0]["detail"], d["records"][-1]["event"]')" = \
  "('run-started', 'done', 'run-finished')"
check "the skipped phase, the gate, the step with its phase and number" \
  test "$(json_value "$dir/log.json" '[(r["event"], r["phase"], r["step"]) for r in d["records"] if r["event"] in ("phase-skipped", "gate-green", "step-finished")]')" = \
  "[('phase-skipped', 'first', ''), ('gate-green', 'second', 'site-there'), ('step-finished', 'second', '1')]"
check "time and unix_ms say the same" \
  json_true "$dir/log.json" 'all(__import__("time").strftime("%Y-%m-%dT%H:%M:%SZ", __import__("time").gmtime(r["unix_ms"] // 1000)) == r["time"] for r in d["records"])'
"$gl" runbook log "$failing_run" -o json >"$dir/failing.json"
check "the paused run's log: valid, ends paused with why" \
  grep -q "^run-paused .*exit 3" <(json_valid runbook-log "$dir/failing.json" && json_value "$dir/failing.json" 'd["records"][-1]["event"] + " " + d["records"][-1]["detail"]')
echo "$passed passed, $failed failed"
test "$failed" -eq 0
