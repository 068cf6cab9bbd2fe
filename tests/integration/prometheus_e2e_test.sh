#!/usr/bin/env bash
# A real Prometheus scrapes a real `greenlight serve` (checks answered by real
# fping on loopback, real monitoring plugins, and real gluster/fleetctl
# captures of a pool with peer gp3 down) and loads alerts/greenlight.rules.yml.
# Then every dashboard panel query and every alert expression is evaluated
# through Prometheus's HTTP API (prometheus_queries.py says what is asserted),
# and the alerts that state must raise are pending or firing while the others
# stay quiet.
set -uo pipefail
source "$(dirname "$0")/../support/serve_port.sh"
source "$(dirname "$0")/../support/exporter_site.sh"
gl=${GREENLIGHT:?}
src=${GREENLIGHT_SOURCE_DIR:?}
fixtures="$src/tests/fixtures"
prometheus=${PROMETHEUS:-/usr/bin/prometheus}
work=$(mktemp -d /tmp/greenlight-prometheus.XXXXXX)
gl_pid="" prom_pid=""
cleanup() {
  [[ -n "$prom_pid" ]] && kill "$prom_pid" 2>/dev/null && wait "$prom_pid" 2>/dev/null
  [[ -n "$gl_pid" ]] && kill "$gl_pid" 2>/dev/null && wait "$gl_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
source "$(dirname "$0")/../support/check.sh"
started=$SECONDS

# The gluster captures of a pool with peer gp3 down.
exporter_site "$fixtures" "$work"

"$gl" -c "$work/site.yaml" serve --listen 127.0.0.1:0 >"$work/greenlight.log" 2>&1 &
gl_pid=$!
gl_port=$(serve_port "$work/greenlight.log" 100)
check "greenlight serve listens ($(head -c 2000 "$work/greenlight.log"))" test -n "$gl_port"

# A free loopback port for Prometheus: bind port 0, read it, release it.
prom_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$work/prometheus.yml" <<CONFIG
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files:
  - $src/alerts/greenlight.rules.yml
scrape_configs:
  - job_name: greenlight
    static_configs:
      - targets: ['127.0.0.1:$gl_port']
CONFIG
"$prometheus" --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/data" \
  --web.listen-address="127.0.0.1:$prom_port" --log.level=warn >"$work/prometheus.log" 2>&1 &
prom_pid=$!
prom="http://127.0.0.1:$prom_port"
q() { curl -sf --get "$prom/api/v1/query" --data-urlencode "query=$1"; }

ready=""
for _ in $(seq 300); do
  kill -0 "$prom_pid" 2>/dev/null || break
  [[ $(curl -s -o /dev/null -w '%{http_code}' "$prom/-/ready") == 200 ]] && { ready=yes; break; }
  sleep 0.2
done
check "Prometheus is ready ($(tail -5 "$work/prometheus.log"))" test -n "$ready"

# Enough scrapes for rate() over the histogram and for rules to have evaluated
# several times: 15 successful scrapes of greenlight.
scraped=""
for _ in $(seq 60); do
  n=$(q 'sum_over_time(up{job="greenlight"}[1m])' | jq -r '.data.result[0].value[1] // 0')
  [[ ${n%.*} -ge 15 ]] && { scraped=yes; break; }
  sleep 1
done
check "Prometheus scraped greenlight 15 times (last count ${n:-none})" test -n "$scraped"
check "every check has reported (greenlight_check_last_run_timestamp_seconds > 0 for all)" \
  test "$(q 'count(greenlight_check_last_run_timestamp_seconds > 0) == count(greenlight_check_status)' | jq '.data.result | length')" = 1
check "the RTT histogram has observations" \
  test "$(q 'sum(greenlight_ping_probe_rtt_seconds_count) > 0' | jq '.data.result | length')" = 1

python3 "$src/tests/integration/prometheus_queries.py" "$prom" "$src"/dashboards/*.json >"$work/queries.txt" 2>&1
rc=$?
cat "$work/queries.txt"
check "every dashboard query and alert expression evaluates against greenlight's series" test "$rc" -eq 0
check "four dashboards were evaluated" test "$(ls "$src"/dashboards/*.json | wc -l)" -eq 4

# The state under test (gp3 down, lnet1 failed, two critical records wrong,
# a command that always times out) must raise these alerts, pending while
# their `for` runs; the others must stay quiet.
alerts=$(curl -sf "$prom/api/v1/alerts")
state_of() { jq -r --arg a "$1" '[.data.alerts[] | select(.labels.alertname == $a) | .state] | unique | join(",")' <<<"$alerts"; }
for alert in GlusterPeerDisconnected GlusterBrickDown GreenlightFleetUnitFailed \
  GreenlightCriticalDnsRecordNotResolving GreenlightCheckCannotRun; do
  s=$(state_of "$alert")
  check "alert $alert is raised by the fixture state (state: '${s}')" test -n "$s"
done
check "the failed unit is lnet1" \
  test "$(jq -r '.data.alerts[] | select(.labels.alertname == "GreenlightFleetUnitFailed") | .labels.unit' <<<"$alerts")" = pcocc-vm-lnet1.service
check "the disconnected peer is gp3" \
  test "$(jq -r '.data.alerts[] | select(.labels.alertname == "GlusterPeerDisconnected") | .labels.hostname' <<<"$alerts")" = gp3
check "the records that do not resolve are top2-eq and top3-data" \
  test "$(jq -r '[.data.alerts[] | select(.labels.alertname == "GreenlightCriticalDnsRecordNotResolving") | .labels.name] | sort | join(" ")' <<<"$alerts")" = "top2-eq top3-data"
check "only the hung command cannot run" \
  test "$(jq -r '[.data.alerts[] | select(.labels.alertname == "GreenlightCheckCannotRun") | .labels.check] | sort | join(" ")' <<<"$alerts")" = "gluster-heal gluster-heal-summary hung-command"
for alert in GlusterSplitBrain GreenlightSlowPeer GreenlightPacketLoss GreenlightDown \
  GreenlightRunBlockedOnGate GlusterHealStuck GreenlightSlowNameResolution \
  GreenlightNameNotResolving; do
  s=$(state_of "$alert")
  check "alert $alert stays quiet (state: '${s}')" test -z "$s"
done

echo "took $((SECONDS - started)) s"
echo "$passed passed, $failed failed"
test "$failed" -eq 0
