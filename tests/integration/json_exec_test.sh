#!/usr/bin/env bash
# greenlight exec -o json: the document validates against
# docs/schema/exec.v1.json and holds what each command printed and how it
# ended (commands on the site's own host, run locally).
set -uo pipefail
src=${GREENLIGHT_SOURCE_DIR:?}
gl=${GREENLIGHT:?}
source "$(dirname "$0")/../support/json_doc.sh"
site=$src/examples/loopback/site.yaml

"$gl" -c "$site" exec -w localhost -o json -c 'echo hello; echo oops >&2' -c 'exit 3' \
  -- "printf '\\377\\n'" >"$dir/out.json" 2>"$dir/err"; rc=$?
check "valid greenlight/exec/v1 ($(head -c 300 "$dir/out.json"))" json_valid exec "$dir/out.json"
check "exit code as clush -S: the highest, 3 (rc $rc)" test "$rc" -eq 3
check "one result per command, in order" \
  test "$(json_value "$dir/out.json" 'len(d["results"])')" -eq 3
check "the first command's output and status" \
  test "$(json_value "$dir/out.json" 'repr((d["results"][0]["node"], d["results"][0]["stdout"], d["results"][0]["stderr"], d["results"][0]["status"]))')" = \
  "('localhost', 'hello\\n', 'oops\\n', 'ok')"
check "the second exited 3" \
  test "$(json_value "$dir/out.json" 'd["results"][1]["status"] + " " + str(d["results"][1]["exit_code"])')" = "exit code 3"
check "bytes that are not UTF-8 become U+FFFD" \
  json_true "$dir/out.json" 'd["results"][2]["stdout"] == "\ufffd\n"'
check "nothing but the summary on stderr ($(cat "$dir/err"))" grep -q "1 of 1 nodes failed" "$dir/err"
# A command cut at its deadline did not exit by itself: no exit code.
"$gl" -c "$site" exec -w localhost -o json -u 0.3 -- 'sleep 5' >"$dir/cut.json" 2>"$dir/err"; rc=$?
check "a cut command validates ($(head -c 300 "$dir/cut.json"))" json_valid exec "$dir/cut.json"
check "a cut command: status timeout, exit_code null" \
  json_true "$dir/cut.json" 'd["results"][0]["status"] == "timeout" and d["results"][0]["exit_code"] is None'
check "a cut command: exit status 255, as clush -S (rc $rc)" test "$rc" -eq 255
echo "$passed passed, $failed failed"
test "$failed" -eq 0
