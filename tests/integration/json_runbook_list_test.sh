#!/usr/bin/env bash
# greenlight runbook list -o json on the example site: the document
# validates against docs/schema/runbook-list.v1.json and names the runbooks
# that the text lists, with their phases.
set -uo pipefail
src=${GREENLIGHT_SOURCE_DIR:?}
gl=${GREENLIGHT:?}
source "$(dirname "$0")/../support/json_doc.sh"
site=$src/examples/ocean/site.yaml

"$gl" -c "$site" runbook list -o json >"$dir/list.json"; rc=$?
check "valid greenlight/runbook-list/v1, rc 0 (rc $rc: $(head -c 300 "$dir/list.json"))" \
  json_valid runbook-list "$dir/list.json"
check "the runbooks the text lists, in its order" \
  test "$(json_value "$dir/list.json" '" ".join(b["name"] for b in d["runbooks"])')" = \
  "$("$gl" -c "$site" runbook list | awk '{print $1}' | xargs)"
check "restart is shutdown's phases then startup's" \
  json_true "$dir/list.json" '(lambda b: [p["name"] for p in b["restart"]["phases"]] == [p["name"] for p in b["shutdown"]["phases"] + b["startup"]["phases"]])({b["name"]: b for b in d["runbooks"]})'
check "shutdown: its first phase, its file, destructive" \
  test "$(json_value "$dir/list.json" '[(b["phases"][0]["name"], b["phases"][0]["title"], b["file"], b["destructive"]) for b in d["runbooks"] if b["name"] == "shutdown"][0]')" = \
  "('preflight', 'The cluster is ready to be taken down', '$src/examples/ocean/runbooks/shutdown.yaml', True)"
check "shutdown's gates include cluster-healthy" \
  json_true "$dir/list.json" '"cluster-healthy" in [b for b in d["runbooks"] if b["name"] == "shutdown"][0]["gates"]'
echo "$passed passed, $failed failed"
test "$failed" -eq 0
