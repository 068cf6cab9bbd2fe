#!/usr/bin/env bash
# greenlight runbook status -o json, of all runs and of one run: the
# documents validate against docs/schema/runbook-runs.v1.json and
# runbook-run.v1.json and say what the journals say (runs made by the
# runbook engine: one finished, one paused).
set -uo pipefail
src=${GREENLIGHT_SOURCE_DIR:?}
gl=${GREENLIGHT:?}
source "$(dirname "$0")/../support/json_doc.sh"
source "$(dirname "$0")/../support/json_runs.sh"
make_runs "$dir"

"$gl" runbook status -o json >"$dir/runs.json"; rc=$?
check "runs: valid greenlight/runbook-runs/v1, rc 0 (rc $rc: $(head -c 300 "$dir/runs.json"))" \
  json_valid runbook-runs "$dir/runs.json"
check "runs: both, with their runbooks and states" \
  test "$(json_value "$dir/runs.json" 'sorted((r["runbook"], r["state"], r["current_phase"]) for r in d["runs"])')" = \
  "[('done', 'done', ''), ('failing', 'paused', 'only')]"
check "runs: the directory" test "$(json_value "$dir/runs.json" 'd["runs_directory"]')" = "$dir/runs"

"$gl" runbook status "$done_run" -o json >"$dir/done.json"
check "finished run: valid greenlight/runbook-run/v1 ($(head -c 300 "$dir/done.json"))" \
  json_valid runbook-run "$dir/done.json"
check "finished run: its state, nothing paused or waiting" \
  test "$(json_value "$dir/done.json" 'd["run"], d["state"], d["paused"], d["waiting"], d["last_event"]')" = \
  "('$done_run', 'done', None, None, 'run-finished')"
check "finished run: the phase skipped by --from, the other done" \
  test "$(json_value "$dir/done.json" '[(p["name"], p["title"], p["state"]) for p in d["phases"]]')" = \
  "[('first', 'skipped by --from', 'skipped'), ('second', 'the last', 'done')]"
check "finished run: the exclusion and who made it" \
  grep -q "^other by uid $(id -u)" <(json_value "$dir/done.json" 'd["exclusions"][0]["nodes"] + " by " + d["exclusions"][0]["by"]')
check "finished run: started before its last record" \
  json_true "$dir/done.json" 'd["started"] <= d["last_record"]'

"$gl" runbook status "$failing_run" --output json >"$dir/failing.json"
check "paused run: valid" json_valid runbook-run "$dir/failing.json"
check "paused run: why it paused ($(json_value "$dir/failing.json" 'd["paused"]'))" \
  grep -q "exit 3" <(json_value "$dir/failing.json" 'd["state"] + ": " + d["paused"]')
check "paused run: the current phase and its failed step" \
  test "$(json_value "$dir/failing.json" 'd["phases"][0]["state"], d["phases"][0]["step"]["number"], d["phases"][0]["step"]["state"]')" = \
  "('current', 1, 'failed')"

"$gl" runbook status nosuch-20260101-000000 -o json >"$dir/none.json" 2>"$dir/err"; rc=$?
check "an unknown run: rc 1, nothing on stdout (rc $rc)" test "$rc" -eq 1 -a ! -s "$dir/none.json"
mkdir -p "$dir/empty"
"$gl" runbook status --runs "$dir/empty" -o json >"$dir/empty.json"
check "no runs: valid, empty list" \
  test "$(json_valid runbook-runs "$dir/empty.json" && json_value "$dir/empty.json" 'd["runs"]')" = "[]"
# A new install: nothing ran yet, an empty list (install.md's upgrade step
# runs status before any run); the text names where runs would be.
"$gl" runbook status --runs "$dir/nowhere" -o json >"$dir/nowhere.json" 2>"$dir/err"; rc=$?
check "a runs directory that does not exist yet: rc 0, an empty list (rc $rc: $(cat "$dir/err"))" \
  test "$rc" -eq 0 -a "$(json_valid runbook-runs "$dir/nowhere.json" && json_value "$dir/nowhere.json" 'd["runs"]')" = "[]"
out=$("$gl" runbook status --runs "$dir/nowhere" 2>&1); rc=$?
check "... in text, no runs, naming the directory (rc $rc: $out)" \
  eval '[ "$rc" -eq 0 ] && grep -q "no runs in $dir/nowhere (it does not exist yet" <<<"$out"'
touch "$dir/afile"
out=$("$gl" runbook status --runs "$dir/afile" 2>&1); rc=$?
check "a file in its place: rc 1, said ($out)" \
  eval '[ "$rc" -eq 1 ] && grep -q "is not a directory" <<<"$out"' 
echo "$passed passed, $failed failed"
test "$failed" -eq 0
