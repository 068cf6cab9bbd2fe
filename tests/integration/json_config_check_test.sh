#!/usr/bin/env bash
# greenlight config check -o json: the document validates against
# docs/schema/config-check.v1.json, summarises the example site when valid,
# and holds every error of a broken one (file, line, column, message, hint)
# in the order the text prints them, with nothing on stderr.
set -uo pipefail
src=${GREENLIGHT_SOURCE_DIR:?}
gl=${GREENLIGHT:?}
source "$(dirname "$0")/../support/json_doc.sh"
site=$src/examples/ocean/site.yaml

# Valid: the example site's summary, as the text says it.
"$gl" config check "$site" -o json >"$dir/valid.json" 2>"$dir/valid.err"; rc=$?
check "valid site: valid greenlight/config-check/v1, rc 0 (rc $rc: $(head -c 300 "$dir/valid.json"))" \
  json_valid config-check "$dir/valid.json"
check "valid site: exit 0 (rc $rc)" test "$rc" -eq 0
check "valid site: nothing on stderr ($(head -c 300 "$dir/valid.err"))" test ! -s "$dir/valid.err"
check "valid site: valid, no errors, its path" \
  test "$(json_value "$dir/valid.json" 'd["valid"], d["errors"], d["path"]')" = "(True, [], '$site')"
check "valid site: the summary" \
  test "$(json_value "$dir/valid.json" '[d["site"][k] for k in ("name", "host_count", "self", "runbooks")]')" = \
  "['ocean', 151, 'top1', ['shutdown', 'startup', 'restart']]"
text=$("$gl" config check "$site")
check "valid site: the counts the text gives ($text)" \
  test "$(json_value "$dir/valid.json" '"site {name}: {host_count} hosts ({self} runs greenlight), {group_count} groups, {check_count} checks".format(**d["site"])')" = \
  "$(sed -n 's/^.*: valid\. \(site .* checks\), .*$/\1/p' <<<"$text")"
GREENLIGHT_CONFIG=$site "$gl" config check --output json >"$dir/env.json"; rc=$?
check "--output json, GREENLIGHT_CONFIG as the default (rc $rc)" \
  test "$(json_value "$dir/env.json" 'd["valid"], d["path"]')" = "(True, '$site')"

# Two errors at once in a file of our own, each at its place.
cat >"$dir/two.yaml" <<'YAML'
site: two
hosts:
  a: {self: true, adress: 10.0.0.1}
checks:
  p: {kind: command, command: ["true"], interval: soon}
YAML
"$gl" config check "$dir/two.yaml" -o json >"$dir/two.json" 2>"$dir/two.err"; rc=$?
check "two errors: valid document ($(head -c 400 "$dir/two.json"))" json_valid config-check "$dir/two.json"
check "two errors: exit 1 (rc $rc)" test "$rc" -eq 1
check "two errors: nothing on stderr ($(head -c 300 "$dir/two.err"))" test ! -s "$dir/two.err"
check "two errors: not valid, no summary" \
  test "$(json_value "$dir/two.json" 'd["valid"], d["site"], len(d["errors"])')" = "(False, None, 2)"
check "two errors: the unknown key at 3:19, with its hint" \
  test "$(json_value "$dir/two.json" '[(e["file"], e["line"], e["column"], e["hint"]) for e in d["errors"]][0]')" = \
  "('$dir/two.yaml', 3, 19, \"did you mean 'address'?\")"
check "two errors: the first names the key" \
  json_true "$dir/two.json" '"adress" in d["errors"][0]["message"]'
check "two errors: the bad interval at 5:51" \
  test "$(json_value "$dir/two.json" '[(e["file"], e["line"], e["column"]) for e in d["errors"]][1]')" = \
  "('$dir/two.yaml', 5, 51)"
check "two errors: the second names the check and the value" \
  json_true "$dir/two.json" '"check \x27p\x27" in d["errors"][1]["message"] and "soon" in d["errors"][1]["message"]'

# The broken fixture: errors in the site file and in its include, the same
# ones, in the same order, as the text's FILE:LINE:COL lines.
broken=$src/tests/fixtures/config/broken.yaml
"$gl" config check "$broken" -o json >"$dir/broken.json" 2>"$dir/broken.err"; rc=$?
check "broken fixture: valid document, exit 1 (rc $rc)" json_valid config-check "$dir/broken.json"
check "broken fixture: exit 1 (rc $rc)" test "$rc" -eq 1
check "broken fixture: nothing on stderr" test ! -s "$dir/broken.err"
check "broken fixture: the error in the included file, at 4:11" \
  json_true "$dir/broken.json" 'any(e["file"].endswith("/broken-checks.yaml") and (e["line"], e["column"]) == (4, 11) and "top9" in e["message"] for e in d["errors"])'
"$gl" config check "$broken" 2>"$dir/broken.text" >/dev/null
check "broken fixture: every error of the text, in its order" \
  test "$(json_value "$dir/broken.json" '"\n".join("{}:{}:{}: error: {}{}".format(e["file"], e["line"], e["column"], e["message"], " (" + e["hint"] + ")" if e["hint"] else "") for e in d["errors"])')" = \
  "$(grep ': error: ' "$dir/broken.text")"
check "broken fixture: as many errors as the text counts" \
  grep -q "broken.yaml: $(json_value "$dir/broken.json" 'len(d["errors"])') errors" "$dir/broken.text"

# A file that cannot be read: its error has no line nor column.
"$gl" config check "$dir/nosuch.yaml" -o json >"$dir/none.json" 2>"$dir/none.err"; rc=$?
check "missing file: valid document, exit 1 (rc $rc: $(head -c 300 "$dir/none.json"))" \
  json_valid config-check "$dir/none.json"
check "missing file: exit 1 (rc $rc)" test "$rc" -eq 1
check "missing file: one error on the file, line and column null" \
  test "$(json_value "$dir/none.json" '[(e["file"], e["line"], e["column"]) for e in d["errors"]]')" = \
  "[('$dir/nosuch.yaml', None, None)]"

"$gl" config check "$site" -o yaml >"$dir/usage.out" 2>"$dir/usage.err"; rc=$?
check "an unknown format is a usage error, exit 2, no document (rc $rc)" \
  test "$rc" -eq 2 -a ! -s "$dir/usage.out"
check "  naming the choices" grep -q json "$dir/usage.err"
echo "$passed passed, $failed failed"
test "$failed" -eq 0
