#!/usr/bin/env bash
# `make demo`: `greenlight runbook exec restart` executed for real against the
# lab cluster (lab/lab, docs/lab.md): GlusterFS peers and volumes, sshd on
# every host, fleet starting and stopping the management VMs, DNS VMs
# serving the site's records, a BMC per physical host. greenlight serve runs
# on top1; the run goes through the shutdown down to top1 powering itself
# off, the operator's workstation powers top1 on through its BMC, top1's boot
# starts serve again, and `resume` carries the run through the startup.
# KEEP_LAB=1 leaves the lab up afterwards.
set -euo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")/.." && pwd)
gl=$(realpath "$build/app/greenlight")
out=$(mkdir -p "$build/demo" && cd "$build/demo" && pwd)
dir=${GREENLIGHT_CLUSTER_DIR:-/tmp/greenlight-demo-lab}
lab=(bash "$here/lab/lab" -d "$dir")
started=$(date +%s%N)
step() { printf '\n\033[1m== %s\033[0m  (+%ds)\n' "$*" $((($(date +%s%N) - started) / 1000000000)); }
show() { printf '$ %s\n' "$*"; }
seconds_since() { echo "$((($(date +%s%N) - $1) / 1000000)) ms"; }
shot_pid=""
finish() {
  if [[ -n $shot_pid ]]; then kill "$shot_pid" 2>/dev/null || true; fi
  if [[ -n ${KEEP_LAB:-} ]]; then
    printf '\nThe lab stays up (KEEP_LAB). Look around:\n'
    printf '  status page: http://127.0.0.1:%s/ (metrics: /metrics)\n' "${port:-?}"
    printf '  %s status\n' "${lab[*]}"
    printf '  %s exec top1 gluster volume status\n' "${lab[*]}"
    printf '  %s exec top1 fleetctl list-units\n' "${lab[*]}"
    printf '  %s exec top1 ssh -i %s/ssh/id_ed25519 -o UserKnownHostsFile=%s/ssh/known_hosts worker01\n' "${lab[*]}" "$dir" "$dir"
    printf '  %s fault fleet-stuck top2 ; %s repair fleet top2\n' "${lab[*]}" "${lab[*]}"
    printf '  GREENLIGHT_CONFIG=%s/site/site.yaml %s runbook status\n' "$dir" "$gl"
    printf '  %s down\n' "${lab[*]}"
  else
    down_started=$(date +%s%N)
    "${lab[@]}" down
    echo "lab down in $(seconds_since "$down_started")"
  fi
}
trap finish EXIT

step "The lab cluster comes up: 5 hypervisors, 2 islet workers, 6 VMs, their BMCs"
[[ -f $dir/cluster.env ]] && "${lab[@]}" down
show "lab/lab up --greenlight $gl"
"${lab[@]}" up --greenlight "$gl"
export GREENLIGHT_CONFIG=$dir/site/site.yaml
unset GREENLIGHT_CONTROL_SOCKET GREENLIGHT_RUNS_DIR   # serve's socket and runs are the site's
port=$(cat "$dir/forward.port")
ready() { [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/-/ready") == 200 ]]; }
for _ in $(seq 100); do ready && [[ -S $dir/control.sock ]] && break; sleep 0.2; done
ready || { echo "greenlight serve on top1 does not answer: $(tail -5 "$dir/top1/greenlight.log")"; exit 1; }
echo "greenlight serve runs on top1 (10.1.0.1:9877), forwarded to this machine:"
echo "  status page: http://127.0.0.1:$port/"
echo "  metrics:     http://127.0.0.1:$port/metrics"
"${lab[@]}" status | sed -n '/^fleet/,$p'

step "The plan of the restart on the lab's site"
show "greenlight runbook plan restart | grep '^[0-9]*\. '"
"$gl" runbook plan restart | grep -E '^[0-9]+\. '

# A screenshot of the status page while a gate of the shutdown waits.
screenshot() {
  local journal
  for _ in $(seq 600); do
    journal=$(ls "$dir"/runs/restart-*/journal 2>/dev/null | head -1 || true)
    [[ -n $journal ]] && grep -q 'gate-waiting.*stop-vms' "$journal" && break
    sleep 0.2
  done
  sleep 3
  timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --disable-default-apps --disable-extensions --hide-scrollbars \
    --user-data-dir="$(mktemp -d "$out/chromium.XXXXXX")" --window-size=1366,1400 \
    --virtual-time-budget=5000 --screenshot="$out/status-page.png" "http://127.0.0.1:$port/" \
    >/dev/null 2>>"$out/chromium.log"
  rm -rf "$out"/chromium.??????
}
rm -f "$out/status-page.png"
screenshot &
shot_pid=$!

step "greenlight runbook exec restart --yes: the shutdown, down to top1 itself"
# The preflight's manual step (physical routers) and the two confirmations,
# answered.
show "greenlight runbook exec restart --yes   (answers: done, y, y)"
run_started=$(date +%s%N)
set +e
printf 'done\ny\ny\n' | "$gl" runbook exec restart --yes
rc=$?
set -e
[[ $rc == 4 ]] || { echo "expected exit code 4 (top1 powers itself off), got $rc"; exit 1; }
run=$(basename "$(dirname "$(ls -t "$dir"/runs/restart-*/journal | head -1)")")

step "top1 powered itself off; the workstation powers it on through its BMC"
for _ in $(seq 100); do
  [[ $("${lab[@]}" power top1 status 2>/dev/null) == *off ]] && break
  sleep 0.2
done
show "ipmitool -I lanplus -H 10.2.0.1 -U admin -E -C 3 chassis power status"
"${lab[@]}" power top1 status
gap_started=$(date +%s%N)
show "ipmitool -I lanplus -H 10.2.0.1 -U admin -E -C 3 chassis power on"
"${lab[@]}" power top1 on
for _ in $(seq 300); do ready && break; sleep 0.2; done
ready || { echo "serve did not come back on top1"; exit 1; }
echo "top1 booted and started greenlight serve in $(seconds_since "$gap_started")"
show "greenlight runbook status"
"$gl" runbook status

step "greenlight runbook resume $run --yes: the startup"
show "greenlight runbook resume $run --yes"
"$gl" runbook resume "$run" --yes
run_ms=$((($(date +%s%N) - run_started) / 1000000))

step "The run's summary"
"$gl" runbook log "$run" >"$out/journal.txt"
/usr/bin/python3 "$here/lab/bin/run-summary" "$dir/runs/$run/journal"
echo "journal: $dir/runs/$run/journal (copied as text: $out/journal.txt)"
echo "greenlight serve on top1, CPU time since top1's boot: $("${lab[@]}" exec top1 ps -o times= -C greenlight | tr -d ' ') s"
echo "run (exec to the end of resume): $((run_ms / 1000)) s"
wait "$shot_pid" 2>/dev/null || true
shot_pid=""
if [[ -s $out/status-page.png ]]; then
  echo "status page during the run (a gate of stop-vms waiting): $out/status-page.png"
else
  echo "no screenshot of the status page (see $out/chromium.log)"
fi
echo "demo: $((($(date +%s%N) - started) / 1000000000)) s"
