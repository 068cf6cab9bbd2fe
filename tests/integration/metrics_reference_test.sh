#!/usr/bin/env bash
# docs/metrics.md against a real `greenlight serve`: every check kind runs
# (the exporter tests' site: real fping and monitoring plugins, gluster and
# fleetctl answered from real captures; plus a power check on a real
# ipmi_sim BMC, dns_critical asking a real dnsmasq on loopback, and
# prometheus_alerts reading a captured Alertmanager answer), and a run
# waits on a gate whose remedy ran. Then every metric family /metrics
# declares (# TYPE) must have a row in docs/metrics.md, and every metric
# documented there must be exported.
set -uo pipefail
src=${GREENLIGHT_SOURCE_DIR:?}
gl=${GREENLIGHT:?}
fixtures="$src/tests/fixtures"
bmc="$src/lab/bmc.sh"
source "$(dirname "$0")/../support/check.sh"
source "$(dirname "$0")/../support/bmc.sh"
source "$(dirname "$0")/../support/serve_port.sh"
source "$(dirname "$0")/../support/exporter_site.sh"
work=$(mktemp -d /tmp/greenlight-metrics-XXXXXX)
serve_pid="" dns_pid=""
cleanup() {
  [[ -n "$serve_pid" ]] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null
  [[ -n "$dns_pid" ]] && kill "$dns_pid" 2>/dev/null && wait "$dns_pid" 2>/dev/null
  bash "$bmc" down "$work/bmc" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
free_port() {  # $1: tcp or udp
  python3 -c "import socket,sys; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM if sys.argv[1]=='udp' else socket.SOCK_STREAM); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])" "$1"
}

# The gluster captures of a pool with peer gp3 down.
exporter_site "$fixtures" "$work"

# A BMC for the power check, a DNS server for dns_critical's servers.
bmc_port=$(free_port udp)
bash "$bmc" up "$work/bmc" "gp1=127.0.0.1:$bmc_port" || { echo "FAILED: the BMC did not start"; exit 1; }
dns_port=$(free_port udp)
printf '10.1.0.1 top1 top1-adm\n' >"$work/dns.hosts"
dnsmasq --no-daemon --conf-file=/dev/null --no-resolv --no-hosts --addn-hosts="$work/dns.hosts" \
  --listen-address=127.0.0.1 --bind-interfaces --port="$dns_port" --local=/lab/ --domain=lab \
  --expand-hosts >"$work/dnsmasq.log" 2>&1 &
dns_pid=$!
# A VM fleet lists running on greenlight's own host: the gate's remedy
# acts on it there.
printf 'pcocc-vm-stuck1.service\t9f4c2a1be85d4c8f9a3e0d7b6c5a4f31/127.0.0.1\tactive\t\trunning\n' \
  >"$work/stuck.txt"
cat >>"$work/site.yaml" <<EOF
  exits:
    kind: command
    interval: 2s
    command: ["true"]
  chassis:
    kind: power
    interval: 2s
    nodes: gp1
    expect: "on"
  dns-servers:
    kind: dns_critical
    interval: 2s
    addresses: "$fixtures/confiture/spec_addresses.yaml"
    nss: false
    domain: lab
    servers: ["127.0.0.1:$dns_port"]
  alerts:
    kind: prometheus_alerts
    interval: 2s
    api: alertmanager
    url: "http://127.0.0.1:9/"
    command: [sh, -c, 'cat "\$0"', "$fixtures/prometheus/alertmanager_alerts_active.json"]
  stuck-vm:
    kind: fleet_units
    interval: 1s
    command: [sh, -c, 'cat "\$0"', "$work/stuck.txt"]
    vms: stuck1
    expect: stopped
power:
  command: ipmitool -I lanplus -H {bmc} -p $bmc_port -U admin -E -C 3 chassis power {action}
runbooks:
  runs: runs
  inline:
    stuck:
      phases:
        - name: stop
          steps:
            - run: {on: self, command: "true"}
          wait_for: [vm-stopped]
      gates:
        vm-stopped:
          checks: [{check: stuck-vm}]
          timeout: 10m
          remedy:
            after: 1s
            steps:
              - run: {on: "@remedy:hosts", command: "true"}
EOF
sed -i 's/^  gp1: {address: 127.0.0.1, self: true}$/  gp1: {address: 127.0.0.1, self: true, bmc: 127.0.0.1}/' "$work/site.yaml"
"$gl" -c "$work/site.yaml" config check >"$work/config-check.out" 2>&1
check "the site is valid ($(cat "$work/config-check.out"))" test $? -eq 0

IPMI_PASSWORD=${GREENLIGHT_BMC_PASSWORD:-lab-bmc} "$gl" -c "$work/site.yaml" serve --listen 127.0.0.1:0 \
  >"$work/serve.log" 2>&1 &
serve_pid=$!
port=$(serve_port "$work/serve.log" 100)
check "serve listens ($(head -c 2000 "$work/serve.log"))" test -n "$port"
out=$("$gl" -c "$work/site.yaml" runbook exec stuck --yes --detach </dev/null 2>&1)
check "the run is submitted to serve ($out)" grep -q 'executes in greenlight serve' <<<"$out"
run=$(ls "$work/runs" 2>/dev/null | grep '^stuck-' | head -1)
remedied() { grep -q 'remedy-finished' "$work/runs/$run/journal" 2>/dev/null; }
check "the gate's remedy ran" wait_for 300 remedied
ready() { curl -sf -o /dev/null "http://127.0.0.1:$port/-/ready"; }
check "every check has run" wait_for 300 ready
sleep 1  # a publication of the run after its remedy
curl -s "http://127.0.0.1:$port/metrics" >"$work/metrics"

exported=$(awk '$1 == "#" && $2 == "TYPE" { print $3 }' "$work/metrics" | sort -u)
documented=$(grep -o '^| `[a-z_:]*`' "$src/docs/metrics.md" | tr -d '|` ' | sort -u)
undocumented=$(comm -23 <(echo "$exported") <(echo "$documented") | tr '\n' ' ')
unexported=$(comm -13 <(echo "$exported") <(echo "$documented") | tr '\n' ' ')
check "/metrics declares families ($(echo "$exported" | wc -l))" test "$(echo "$exported" | wc -l)" -gt 40
check "every family /metrics exports is in docs/metrics.md (missing: ${undocumented:-none})" \
  test -z "$undocumented"
check "every metric docs/metrics.md documents is exported (never seen: ${unexported:-none})" \
  test -z "$unexported"

"$gl" -c "$work/site.yaml" runbook abort "$run" --reason "test over" >/dev/null 2>&1
kill -TERM "$serve_pid"; wait "$serve_pid"; serve_pid=""
bmc_down_checked "$bmc" "$work/bmc"
echo "$passed passed, $failed failed"
test "$failed" -eq 0
