#!/usr/bin/env bash
# `make demo`: greenlight on the built-in example site (examples/ocean), the
# management cluster of the restart procedure. What exists today: the site
# configuration and its validation, node sets as the procedure writes them,
# checks run for real against this machine, the restart runbooks with their
# plans and a dry run, and a real run executed by greenlight serve against
# lab BMCs. The restart runbook against the whole lab cluster joins this demo
# when the lab does.
set -euo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")/.." && pwd)
gl="$build/app/greenlight"
site="$here/examples/ocean/site.yaml"
source "$here/tests/support/serve_port.sh"
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
port=$(serve_port "$build/demo-serve.log" 50)
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

step "A real run through greenlight serve: the islet workers powered off and on by their BMCs"
# Three lab BMCs (OpenIPMI ipmi_sim, driven by real ipmitool) on loopback
# addresses, a site whose power command and gates use them, and serve
# executing the run: the terminal follows it through the control socket while
# /metrics and /api/v1/runs show it.
demo="$(cd "$build" && pwd)/demo-run"
rm -rf "$demo" && mkdir -p "$demo"
net=127.$((100 + RANDOM % 150)).62
bash "$here/lab/bmc.sh" up "$demo/bmc" "iw1=$net.1" "iw2=$net.2" "iw3=$net.3" >/dev/null
cleanup_run() {
  [[ -n "${serve_pid:-}" ]] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null
  bash "$here/lab/bmc.sh" down "$demo/bmc" >/dev/null 2>&1 || true
}
trap cleanup_run EXIT
sed -e "s/@NET@/$net/g" -e "s|@LAB@|$here/lab|g" "$here/examples/islet/site.yaml" >"$demo/site.yaml"
export IPMI_PASSWORD=lab-bmc GREENLIGHT_CONFIG="$demo/site.yaml" GREENLIGHT_CONTROL_SOCKET="$demo/control.sock"
"$gl" serve --listen 127.0.0.1:0 >"$demo/serve.log" 2>&1 &
serve_pid=$!
port=$(serve_port "$demo/serve.log" 100)
for _ in $(seq 50); do [[ -S "$demo/control.sock" ]] && break; sleep 0.1; done
run "$gl" runbook exec islet-power-cycle --yes
printf '$ curl http://127.0.0.1:%s/api/v1/runs\n' "$port"
curl -s "http://127.0.0.1:$port/api/v1/runs" | python3 -c '
import json, sys
for run in json.load(sys.stdin)["runs"]:
    print("run %s of %s: %s" % (run["id"], run["runbook"], run["state"]))
    for phase in run["phases"]:
        print("  %-14s %s" % (phase["name"], phase["state"]))'
printf '$ curl http://127.0.0.1:%s/metrics | grep greenlight_run_phase_state | grep -v " 0$"\n' "$port"
curl -s "http://127.0.0.1:$port/metrics" | grep '^greenlight_run_phase_state' | grep -v ' 0$' || true
cleanup_run
serve_pid=""
trap - EXIT

printf '\nNot in this demo yet: the whole lab cluster (GlusterFS peers, sshd, fleet, DNS and BMCs together)\n'
printf 'and `greenlight runbook exec restart` against it; the restart above ran as a dry run.\n'
