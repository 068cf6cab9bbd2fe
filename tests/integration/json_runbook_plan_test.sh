#!/usr/bin/env bash
# greenlight runbook plan NAME -o json on the example site: the document
# validates against docs/schema/runbook-plan.v1.json and says what the text
# plan says (the same resolution: nodes, commands, gates, --exclude).
set -uo pipefail
src=${GREENLIGHT_SOURCE_DIR:?}
gl=${GREENLIGHT:?}
source "$(dirname "$0")/../support/json_doc.sh"
site=$src/examples/ocean/site.yaml
unset GREENLIGHT_RUNS_DIR

"$gl" -c "$site" runbook plan shutdown -o json >"$dir/plan.json"; rc=$?
check "valid greenlight/runbook-plan/v1, rc 0 (rc $rc: $(head -c 300 "$dir/plan.json"))" \
  json_valid runbook-plan "$dir/plan.json"
"$gl" -c "$site" runbook plan shutdown >"$dir/plan.txt"
check "the phases of the text plan, numbered alike" \
  test "$(json_value "$dir/plan.json" '"\n".join("%d. %s - %s" % (p["number"], p["name"], p["title"]) for p in d["phases"])')" = \
  "$(grep -E '^[0-9]+\. ' "$dir/plan.txt")"
check "preflight requires its three gates, each with its checks" \
  test "$(json_value "$dir/plan.json" '(lambda p: ([g["name"] for g in p["require"]], all(g["checks"] for g in p["require"])))([p for p in d["phases"] if p["name"] == "preflight"][0])')" = \
  "(['cluster-healthy', 'critical-dns-resolves', 'preconditions-met'], True)"
check "a manual step's text" \
  grep -q "^manual Lnet and IP routers" <(json_value "$dir/plan.json" '(lambda s: s["kind"] + " " + s["text"])([p for p in d["phases"] if p["name"] == "preflight"][0]["steps"][0])')
check "a save_group of @vm:running: known only at run time" \
  test "$(json_value "$dir/plan.json" '(lambda s: (s["kind"], s["group"], s["resolved"], s["nodes"], s["nodes_as_written"]))([p for p in d["phases"] if p["name"] == "preflight"][0]["steps"][1])')" = \
  "('save_group', 'vms_at_shutdown', False, None, '@vm:running')"
check "the islet workers' poweroff: 16 nodes, the command, its exit codes" \
  test "$(json_value "$dir/plan.json" '(lambda s: (s["resolved"], s["nodes"], s["node_count"], s["commands"], s["command"], s["exit_codes"]))([p for p in d["phases"] if p["name"] == "poweroff-islet-workers"][0]["steps"][0])')" = \
  "(True, 'islet[01-16]', 16, 16, 'poweroff', [0, 255])"
check "the text plan says the same of that step" grep -q "step 1 run on islet\[01-16\] (16 nodes):" "$dir/plan.txt"
check "retries and delay of a volume stop" \
  test "$(json_value "$dir/plan.json" '(lambda s: (s["retries"], s["retry_delay_seconds"], s["nodes"]))([p for p in d["phases"] if p["name"] == "stop-volumes"][0]["steps"][0])')" = \
  "(5, 3.0, 'top1')"
check "self_poweroff runs on this host" \
  test "$(json_value "$dir/plan.json" 'd["self"], [p for p in d["phases"] if p["name"] == "poweroff-self"][0]["steps"][0]["command"]')" = \
  "('top1', 'poweroff')"

"$gl" -c "$site" runbook plan shutdown -x 'islet[01-04]' --output json >"$dir/excluded.json"
check "--exclude: valid" json_valid runbook-plan "$dir/excluded.json"
check "--exclude: named, and left out of the steps" \
  test "$(json_value "$dir/excluded.json" 'd["excluded"], [p for p in d["phases"] if p["name"] == "poweroff-islet-workers"][0]["steps"][0]["nodes"]')" = \
  "({'nodes': 'islet[01-04]', 'count': 4}, 'islet[05-16]')"
echo "$passed passed, $failed failed"
test "$failed" -eq 0
