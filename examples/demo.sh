#!/usr/bin/env bash
# `make demo`: greenlight on the built-in example site (examples/ocean), the
# management cluster of the restart procedure. What exists today: the site
# configuration and its validation, node sets as the procedure writes them,
# checks run for real against this machine, and the restart runbooks with
# their plans. The restart runbook against a lab cluster, with the exporter and the
# status page, joins this demo as those parts land.
set -euo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")/.." && pwd)
gl="$build/app/greenlight"
site="$here/examples/ocean/site.yaml"
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

step "The example site validates"
run "$gl" config check "$site"

step "A broken copy gets every error at once, with file:line:col"
run "$gl" config check "$here/tests/fixtures/config/broken.yaml" || true

step "Node sets as the procedure writes them (groups from the site)"
export GREENLIGHT_CONFIG="$site"
run "$gl" nodeset -ll
run "$gl" nodeset -f @top,@worker -x top1
run "$gl" nodeset -O pcocc-vm-%s.service -e @management_vms -x ns[1-3]
run "$gl" nodeset -c @island_worker

step "Same answers as ClusterShell's nodeset"
printf '$ nodeset -f node-00[1-6]0 da[2-5]c[1-2]p[0-1] n[08-11]\n'
nodeset -f 'node-00[1-6]0' 'da[2-5]c[1-2]p[0-1]' 'n[08-11]'
run "$gl" nodeset -f 'node-00[1-6]0' 'da[2-5]c[1-2]p[0-1]' 'n[08-11]'

step "Checks running for real on this machine (fping on loopback, monitoring plugins)"
run "$gl" -c "$here/examples/loopback/site.yaml" check || true
run "$gl" -c "$here/examples/loopback/site.yaml" check ping-loopback -o json || true

step "greenlight serve: the same checks on their schedule, exported for Prometheus"
"$gl" -c "$here/examples/loopback/site.yaml" serve --listen 127.0.0.1:0 >"$build/demo-serve.log" 2>&1 &
serve_pid=$!
trap 'kill "$serve_pid" 2>/dev/null || true' EXIT
port=""
for _ in $(seq 50); do
  port=$(grep -o 'listening on port [0-9]*' "$build/demo-serve.log" | awk '{print $4}' || true)
  [[ -n "$port" ]] && break
  sleep 0.1
done
for _ in $(seq 50); do
  [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/-/ready") == 200 ]] && break
  sleep 0.2
done
printf '$ curl http://127.0.0.1:%s/metrics | grep greenlight_check_status\n' "$port"
curl -s "http://127.0.0.1:$port/metrics" | grep '^greenlight_check_status'
printf '$ curl http://127.0.0.1:%s/api/v1/checks\n' "$port"
curl -s "http://127.0.0.1:$port/api/v1/checks"
printf '(the status page is http://127.0.0.1:%s/ while serve runs; alert rules in alerts/, dashboards in dashboards/, see docs/exporter.md)\n' "$port"
kill "$serve_pid"
wait "$serve_pid" 2>/dev/null || true

step "The restart procedure as runbooks, planned without touching a host"
run "$gl" runbook list
run "$gl" runbook plan shutdown

step "The restart executed as a dry run: every phase in order, every command, no host touched"
printf '$ %s\n' "$gl runbook exec restart --dry-run"
"$gl" runbook exec restart --dry-run >"$build/demo-dry-run.log"
head -40 "$build/demo-dry-run.log"
echo "... ($(wc -l <"$build/demo-dry-run.log") lines, last: $(tail -1 "$build/demo-dry-run.log"))"

printf '\nNot in this demo yet: the lab cluster and a real `greenlight runbook exec restart`\n'
printf '(tests/integration/runbook_exec_test.sh runs one on local commands, SIGKILL and resume included).\n'
