#!/usr/bin/env bash
# greenlight check prometheus_alerts against a real Prometheus 2.42 and a real
# Alertmanager 0.25 on loopback: rules that always fire (vector(1)), one
# alert silenced in Alertmanager with amtool, name filters, a `for: 1h` rule
# pending since the start (unknown until it could have fired), min_uptime,
# and failing closed once the servers are gone. Every daemon started here is stopped
# here, by PID.
set -uo pipefail
gl=${GREENLIGHT:?}
dir=$(mktemp -d /tmp/greenlight-prom.XXXXXX)
pids=()
source "$(dirname "$0")/../support/check.sh"
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  rm -rf "$dir"
}
trap cleanup EXIT
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
prom_port=$(free_port)
am_port=$(free_port)
closed_port=$(free_port)  # nobody listens there

cat >"$dir/rules.yml" <<'YAML'
groups:
  - name: lab
    interval: 1s
    rules:
      - alert: GlusterBrickDown
        expr: vector(1)
        labels: {severity: critical, volume: volspoms1}
      - alert: HealPending
        expr: vector(1)
        labels: {severity: warning}
      - alert: SlowForAnHour
        expr: vector(1)
        for: 1h
      - alert: NeverFires
        expr: vector(1) == 0
        for: 5m
YAML
cat >"$dir/prometheus.yml" <<YAML
global: {evaluation_interval: 1s}
rule_files: [rules.yml]
alerting:
  alertmanagers: [{static_configs: [{targets: ["127.0.0.1:$am_port"]}]}]
YAML
cat >"$dir/alertmanager.yml" <<'YAML'
route: {receiver: none, group_wait: 1s}
receivers: [{name: none}]
YAML
promtool check config "$dir/prometheus.yml" >/dev/null || { echo "promtool rejects the test's configuration"; exit 1; }

started=$SECONDS
prometheus-alertmanager --config.file="$dir/alertmanager.yml" --storage.path="$dir/am" \
  --web.listen-address="127.0.0.1:$am_port" --cluster.listen-address= >"$dir/am.log" 2>&1 &
pids+=($!)
prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/tsdb" \
  --web.listen-address="127.0.0.1:$prom_port" --rules.alert.resend-delay=1s >"$dir/prom.log" 2>&1 &
prom_pid=$!
pids+=("$prom_pid")

# Waits until both alerts fire in Prometheus and Alertmanager holds them.
for _ in $(seq 60); do
  firing=$(curl -s "http://127.0.0.1:$prom_port/api/v1/alerts" | grep -o '"state":"firing"' | wc -l)
  held=$(curl -s "http://127.0.0.1:$am_port/api/v2/alerts" | grep -o '"alertname"' | wc -l)
  [[ $firing == 2 && $held == 2 ]] && break
  sleep 0.5
done
echo "alerts firing in Prometheus and held by Alertmanager after $((SECONDS - started)) s"
check "Prometheus fires the test's two alerts ($firing)" test "$firing" = 2
check "Alertmanager holds them ($held)" test "$held" = 2

cat >"$dir/site.yaml" <<YAML
site: prometheus-test
hosts:
  vm: {self: true}
checks:
  all: {kind: prometheus_alerts, url: "http://127.0.0.1:$prom_port"}
  gluster: {kind: prometheus_alerts, url: "http://127.0.0.1:$prom_port/", include: ["Gluster*"]}
  heal_only: {kind: prometheus_alerts, url: "http://127.0.0.1:$prom_port", include: [Heal*, Slow*]}
  quiet: {kind: prometheus_alerts, url: "http://127.0.0.1:$prom_port", exclude: [GlusterBrickDown, HealPending]}
  settled: {kind: prometheus_alerts, url: "http://127.0.0.1:$prom_port", exclude: [GlusterBrickDown, HealPending, SlowForAnHour]}
  young: {kind: prometheus_alerts, url: "http://127.0.0.1:$prom_port", include: [Gluster*], min_uptime: 1h}
  am: {kind: prometheus_alerts, api: alertmanager, url: "http://127.0.0.1:$am_port"}
  nobody: {kind: prometheus_alerts, url: "http://127.0.0.1:$closed_port"}
  nobody_critical: {kind: prometheus_alerts, url: "http://127.0.0.1:$closed_port", unavailable: critical}
YAML
"$gl" config check "$dir/site.yaml" >/dev/null || { "$gl" config check "$dir/site.yaml"; exit 1; }
run() { "$gl" -c "$dir/site.yaml" check -o json "$@" >"$dir/last.json"; }
field_of() {
  python3 -c 'import json, sys
for r in json.load(open(sys.argv[1]))["checks"]:
    if r["check"] == sys.argv[2]: print(r[sys.argv[3]])' "$dir/last.json" "$1" "$2"
}
is() {  # CHECK STATUS MESSAGE: the last run gave that (MESSAGE a glob pattern)
  local got message
  got=$(field_of "$1" status)
  message=$(field_of "$1" message)
  echo "  $1: $got: $message"
  # shellcheck disable=SC2053
  [[ $got == "$2" && $message == $3 ]] || { echo "  expected $2: $3"; return 1; }
}

run
rc=$?
check "exit status 2 (critical) with alerts firing ($rc)" test "$rc" = 2
check "all: both firing alerts named; the for: 1h rule pending since the start said" is all CRITICAL \
  "Prometheus cannot tell yet: pending since Prometheus started *s ago: SlowForAnHour (for: 3600s) (2 alerts firing: GlusterBrickDown (severity=critical, volume=volspoms1); HealPending (severity=warning))"
check "include Gluster*: only the brick alert" is gluster CRITICAL \
  "1 alert firing: GlusterBrickDown (severity=critical, volume=volspoms1)"
check "include Heal*, Slow*: the firing warning, and unknown while SlowForAnHour may still fire" \
  is heal_only UNKNOWN "Prometheus cannot tell yet: pending since * SlowForAnHour (for: 3600s) (1 alert firing: HealPending (severity=warning))"
check "exclude both firing: no alert firing is not green while a for: 1h rule pends since the start" \
  is quiet UNKNOWN "Prometheus cannot tell yet: pending since * SlowForAnHour * (no alert firing (1 pending or silenced), 2 filtered out)"
check "exclude the three that fire or pend: green, NeverFires evaluated since the start" is settled OK \
  "no alert firing, 3 filtered out"
check "min_uptime 1h: a firing alert stays critical, and Prometheus is said too young" is young CRITICAL \
  "Prometheus cannot tell yet: Prometheus up *s, less than min_uptime 3600s (1 alert firing: GlusterBrickDown*"
check "Alertmanager: both alerts active" is am CRITICAL \
  "2 alerts firing: GlusterBrickDown (severity=critical, volume=volspoms1); HealPending (severity=warning)"
check "nothing listening: unknown, curl's reason" is nobody UNKNOWN \
  "cannot ask for alerts: http://127.0.0.1:$closed_port/api/v1/status/runtimeinfo: exit 7: curl: (7) Failed to connect to 127.0.0.1 port $closed_port after * ms: Couldn't connect to server"
check "nothing listening, unavailable: critical" test "$(field_of nobody_critical status)" = CRITICAL

amtool --alertmanager.url="http://127.0.0.1:$am_port" silence add alertname=GlusterBrickDown \
  --comment="brick repaired by hand" --duration=1h >/dev/null
run am
check "Alertmanager: a silenced alert no longer counts" is am WARNING \
  "1 alert firing: HealPending (severity=warning)"

kill "$prom_pid"
wait "$prom_pid" 2>/dev/null
run all
check "Prometheus gone: unknown, never green" test "$(field_of all status)" = UNKNOWN

echo "$passed passed, $failed failed in $((SECONDS - started)) s"
test "$failed" -eq 0
