#!/usr/bin/env bash
# greenlight check -o json: the document validates against
# docs/schema/check.v1.json and says what the checks found (real fping on
# loopback, a real plugin, a failing command).
set -uo pipefail
src=${GREENLIGHT_SOURCE_DIR:?}
gl=${GREENLIGHT:?}
source "$(dirname "$0")/../support/json_doc.sh"
site=$src/tests/fixtures/config/local-checks.yaml

"$gl" -c "$site" check -o json ping-loopback dummy-warning false-command >"$dir/out.json"; rc=$?
check "valid greenlight/check/v1 ($(head -c 300 "$dir/out.json"))" json_valid check "$dir/out.json"
check "exit code as Nagios: critical (rc $rc)" test "$rc" -eq 2
check "the worst status is CRITICAL" test "$(json_value "$dir/out.json" 'd["status"]')" = CRITICAL
check "one entry per check, in the site's order" \
  test "$(json_value "$dir/out.json" '" ".join(c["check"] for c in d["checks"])')" = \
  "ping-loopback dummy-warning false-command"
check "fping over @loopback is OK" \
  test "$(json_value "$dir/out.json" 'd["checks"][0]["kind"] + " " + d["checks"][0]["status"]')" = "fping OK"
check "the plugin's warning, with its message" \
  test "$(json_value "$dir/out.json" 'd["checks"][1]["status"] + ": " + d["checks"][1]["message"]')" = \
  "WARNING: WARNING: disk almost full"
check "the failing command is CRITICAL and says why" \
  grep -q "CRITICAL .*volume volspoms1 is not started" <(json_value "$dir/out.json" 'd["checks"][2]["status"] + " " + d["checks"][2]["message"]')
check "durations are seconds" json_true "$dir/out.json" \
  'all(0 <= c["duration_seconds"] < 10 for c in d["checks"])'

"$gl" -c "$site" check --output json true-command >"$dir/ok.json"; rc=$?
check "--output json too, all OK: rc 0 (rc $rc)" test "$rc" -eq 0
check "valid, status OK" test "$(json_valid check "$dir/ok.json" && json_value "$dir/ok.json" 'd["status"]')" = OK
"$gl" -c "$site" check -o yaml true-command >/dev/null 2>"$dir/err"; rc=$?
check "an unknown format is a usage error, exit 3 (rc $rc)" test "$rc" -eq 3
check "naming the choices ($(cat "$dir/err" | head -2))" grep -q "json" "$dir/err"
echo "$passed passed, $failed failed"
test "$failed" -eq 0
