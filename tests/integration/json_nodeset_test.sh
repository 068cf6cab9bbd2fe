#!/usr/bin/env bash
# greenlight nodeset -o json: every command's document validates against
# docs/schema/nodeset.v1.json and says what the text says (fold, expand,
# count, regroup, --split, -l/-ll listings of the site's groups, sources).
set -uo pipefail
src=${GREENLIGHT_SOURCE_DIR:?}
gl=${GREENLIGHT:?}
source "$(dirname "$0")/../support/json_doc.sh"
site=$src/examples/ocean/site.yaml
ns() { "$gl" -c "$site" nodeset "$@"; }

ns -o json -f node3 node1 'node[2,7]' >"$dir/fold.json"; rc=$?
check "fold: valid greenlight/nodeset/v1, rc 0 (rc $rc: $(cat "$dir/fold.json"))" json_valid nodeset "$dir/fold.json"
check "fold: the folded set and its size" \
  test "$(json_value "$dir/fold.json" 'd["command"], d["results"]')" = "('fold', [{'text': 'node[1-3,7]', 'count': 4}])"
check "fold: the text is what -f prints" \
  test "$(json_value "$dir/fold.json" 'd["results"][0]["text"]')" = "$(ns -f node3 node1 'node[2,7]')"

ns -e -o json -O '%s-ipmi' @top >"$dir/expand.json"
check "expand: valid" json_valid nodeset "$dir/expand.json"
check "expand: members before -O, text after" \
  test "$(json_value "$dir/expand.json" 'd["results"][0]["members"], d["results"][0]["text"]')" = \
  "(['top1', 'top2', 'top3'], 'top1-ipmi top2-ipmi top3-ipmi')"

ns -o json -c @hypervisors -x top1 >"$dir/count.json"
check "count: valid" json_valid nodeset "$dir/count.json"
check "count: @hypervisors minus top1 is 6" \
  test "$(json_value "$dir/count.json" 'd["command"], d["results"][0]["count"], d["results"][0]["text"]')" = "('count', 6, '6')"

ns -o json --split=2 -f 'cn[001-005]' >"$dir/split.json"
check "split: valid" json_valid nodeset "$dir/split.json"
check "split: one result per subset" \
  test "$(json_value "$dir/split.json" '[(r["text"], r["count"]) for r in d["results"]]')" = \
  "[('cn[001-003]', 3), ('cn[004-005]', 2)]"

ns -o json -r 'top[1-3],worker[01-04]' >"$dir/regroup.json"
check "regroup: valid" json_valid nodeset "$dir/regroup.json"
check "regroup: the text says it with groups ($(cat "$dir/regroup.json"))" \
  test "$(json_value "$dir/regroup.json" 'd["command"], d["results"][0]["text"], d["results"][0]["count"]')" = \
  "('regroup', '@hypervisors', 7)"

ns -o json -l >"$dir/list.json"
check "list: valid" json_valid nodeset "$dir/list.json"
check "list: @hypervisors with its nodes and count" \
  test "$(json_value "$dir/list.json" '[(g["source"], g["name"], g["nodes"], g["count"], g["total"]) for g in d["groups"] if g["group"] == "hypervisors"]')" = \
  "[('site', '@hypervisors', 'top[1-3],worker[01-04]', 7, 7)]"
check "list: every group -l prints, in its order" \
  test "$(json_value "$dir/list.json" '"\n".join(g["name"] for g in d["groups"])')" = "$(ns -l)"
ns -o json -ll top1 worker02 >"$dir/filtered.json"
check "list with nodes: valid" json_valid nodeset "$dir/filtered.json"
check "list with nodes: only the groups holding them, with count/total" \
  test "$(json_value "$dir/filtered.json" 'sorted((g["name"], g["nodes"], g["count"], g["total"]) for g in d["groups"] if g["group"] in ("top", "hypervisors"))')" = \
  "[('@hypervisors', 'top1,worker02', 2, 7), ('@top', 'top1', 1, 3)]"

ns -o json --list-sources >"$dir/sources.json"
check "sources: valid" json_valid nodeset "$dir/sources.json"
check "sources: the site's first, the default" \
  test "$(json_value "$dir/sources.json" 'd["sources"][0]')" = "{'name': 'site', 'default': True}"

ns -R -o json -f 1 3 2 >"$dir/rangeset.json"
check "range set: valid, rangeset true" \
  test "$(json_valid nodeset "$dir/rangeset.json" && json_value "$dir/rangeset.json" 'd["rangeset"], d["results"][0]["text"]')" = "(True, '1-3')"

ns -f -o yaml node1 2>"$dir/err"; rc=$?
check "an unknown format is a usage error, exit 2 (rc $rc)" test "$rc" -eq 2
check "optparse's message ($(tail -1 "$dir/err"))" grep -q "option -o: invalid choice: 'yaml' (choose from 'text', 'json')" "$dir/err"
check "--output-format still abbreviates to --output" test "$(ns -e --output '%s-ib' 'n[1-2]')" = "n1-ib n2-ib"
echo "$passed passed, $failed failed"
test "$failed" -eq 0
