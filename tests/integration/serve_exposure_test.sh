#!/usr/bin/env bash
# What greenlight serve gives away. A known secret is the BMC password (in
# serve's environment, IPMI_PASSWORD, for a real ipmi_sim), the exporter's
# bearer token and basic-auth password (from files); config check, check,
# plan, and a run with power steps executed by serve follow, while `ps -eo
# args` is sampled. Then: the secret and the password's hash appear in no
# output, log (serve's at debug level: every check result, every run
# transition, every control request), journal, /api/v1 answer, /metrics,
# status page or ps sample.
# The HTTP side is read-only: POST, PUT, DELETE, PATCH on every path answer
# 404 or 405 and change nothing. Every control request, accepted or refused,
# is logged once with who asked.
set -uo pipefail
src=${GREENLIGHT_SOURCE_DIR:?}
gl=${GREENLIGHT:?}
bmc="$src/lab/bmc.sh"
source "$(dirname "$0")/../support/check.sh"
source "$(dirname "$0")/../support/bmc.sh"
source "$(dirname "$0")/../support/serve_port.sh"
dir=$(mktemp -d /tmp/greenlight-exposure-XXXXXX)
serve_pid="" sampler=""
cleanup() {
  [[ -n "$sampler" ]] && kill "$sampler" 2>/dev/null
  [[ -n "$serve_pid" ]] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null
  bash "$bmc" down "$dir/bmc" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
[ -n "${KEEP:-}" ] && trap - EXIT && echo "keeping $dir"
secret=Gl-s3cr3t-7f3a9c  # IPMI passwords are at most 16 bytes
port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
GREENLIGHT_BMC_PASSWORD=$secret bash "$bmc" up "$dir/bmc" "node1=127.0.0.1:$port" ||
  { echo "FAILED: the BMC did not start"; exit 1; }
hash=$(openssl passwd -6 "$secret")
echo "operator:$hash" >"$dir/htpasswd"
echo "$secret" >"$dir/tokens"
printf 'Authorization: Bearer %s\n' "$secret" >"$dir/auth-header"  # curl -H @file: not in ps
cat >"$dir/site.yaml" <<EOF
site: exposure
hosts:
  here: {self: true}
  node1: {address: 127.0.0.1, bmc: 127.0.0.1}
exporter:
  listen: "127.0.0.1:0"
  basic_auth_file: htpasswd
  bearer_token_file: tokens
checks:
  power: {kind: power, nodes: node1, expect: "on", ping: false, interval: 2s, timeout: 10s}
power:
  # The sleep keeps the command line in ps long enough to be sampled.
  command: sleep 0.3; ipmitool -I lanplus -H {bmc} -p $port -U admin -E -C 3 chassis power {action}
  timeout: 10s
runbooks:
  runs: runs
  inline:
    cycle:
      description: node1 off and on again through its BMC
      phases:
        - name: off
          steps:
            - power: {on: node1, action: "off"}
        - name: on
          steps:
            - power: {on: node1, action: "on"}
EOF
export GREENLIGHT_CONFIG=$dir/site.yaml
"$gl" config check >"$dir/config-check.out" 2>&1
check "the site is valid ($(cat "$dir/config-check.out"))" test $? -eq 0
IPMI_PASSWORD=$secret "$gl" check power >"$dir/check.out" 2>&1
check "the power check reads the BMC with the password ($(cat "$dir/check.out"))" \
  grep -q "node1" "$dir/check.out"
"$gl" runbook plan cycle >"$dir/plan.out" 2>&1
check "the plan shows the power command" grep -q "ipmitool .* -E " "$dir/plan.out"

IPMI_PASSWORD=$secret "$gl" serve -v >"$dir/serve.out" 2>&1 &
serve_pid=$!
http=$(serve_port "$dir/serve.out" 100)
check "serve listens ($(cat "$dir/serve.out"))" test -n "$http"
url="http://127.0.0.1:$http"
(while :; do ps -eo args >>"$dir/ps.txt"; sleep 0.05; done) &
sampler=$!
out=$("$gl" runbook exec cycle --yes 2>&1 </dev/null); rc=$?
echo "$out" >"$dir/exec.out"
check "serve executed the run with its BMC password (rc $rc: $out)" test "$rc" -eq 0
check "node1 is on again" test "$(cat "$dir/bmc/node1/power")" = 1
sleep 2.5  # a scheduled power check or two, with the password
kill "$sampler"; wait "$sampler" 2>/dev/null; sampler=""
check "ps saw the power commands, -E and no password ($(grep -c 'chassis power' "$dir/ps.txt") samples)" \
  grep -q "ipmitool -I lanplus -H 127.0.0.1 -p $port -U admin -E -C 3 chassis power o" "$dir/ps.txt"
run=$(ls "$dir/runs" | grep '^cycle-')
"$gl" runbook log "$run" >"$dir/log.out" 2>&1
"$gl" runbook status "$run" >"$dir/status.out" 2>&1
get() { curl -s -H @"$dir/auth-header" "$url$1"; }
for path in / /metrics /api/v1/checks /api/v1/runs /api/v1/gates /-/ready /-/healthy; do
  get "$path" >"$dir/http$(tr / _ <<<"$path").out"
done
check "the API answered with the token" grep -q '"power"' "$dir/http_api_v1_checks.out"
check "the run is published" grep -q "$run" "$dir/http_api_v1_runs.out"
check "the status page was served" grep -qi '<html' "$dir/http_.out"
check "/metrics was served" grep -q '^greenlight_build_info' "$dir/http_metrics.out"
check "serve's log has the check's results (debug)" grep -q ' debug check power: still ' "$dir/serve.out"
check "serve's log has the run's power steps" grep -q " info run $run: step-finished phase off step 1" "$dir/serve.out"
hits=$(grep -rlF -e "$secret" -e "$hash" "$dir"/*.out "$dir/ps.txt" "$dir/runs" 2>/dev/null)
check "the secret is nowhere: outputs, serve's log, journal, API, metrics, page, ps (${hits:-none})" \
  test -z "$hits"

# The HTTP side is read-only.
runs_before=$(ls "$dir/runs" | wc -l)
bad=""
for path in / /metrics /api/v1/checks /api/v1/runs /api/v1/gates /api/v1/runs/$run /-/ready \
    /-/healthy /-/reload /-/quit /api/v1/runs/cycle/abort /nosuch; do
  for method in POST PUT DELETE PATCH; do
    code=$(curl -s -o /dev/null -w '%{http_code}' -X "$method" -H @"$dir/auth-header" \
      -H 'Content-Type: application/json' --data '{"runbook": "cycle", "yes": true}' "$url$path")
    [[ $code == 404 || $code == 405 ]] || bad+=" $method $path: $code;"
  done
done
check "every write method on every path answers 404 or 405 (${bad:-all did})" test -z "$bad"
check "no run was started over HTTP" test "$(ls "$dir/runs" | wc -l)" -eq "$runs_before"
check "serve still runs" kill -0 "$serve_pid"

# Every control request is logged once with who asked; refusals too.
check "the accepted exec is logged once with uid, user, pid and run" test "$(grep -c \
  "control: exec cycle from uid 0 (root) pid [0-9]*: accepted, run $run" "$dir/serve.out")" -eq 1
"$gl" runbook attach cycle-nosuch </dev/null >/dev/null 2>&1
check "a refused request is logged with why ($(grep 'cycle-nosuch' "$dir/serve.out"))" \
  test "$(grep -c "control: attach run cycle-nosuch from uid 0 (root) pid [0-9]*: refused: .*cycle-nosuch" "$dir/serve.out")" -eq 1
cp "$gl" "$dir/greenlight"
chmod 755 "$dir"
chmod 666 "$GREENLIGHT_CONTROL_SOCKET"  # past the socket's mode: serve's own check decides
setpriv --reuid=65534 --regid=65534 --clear-groups "$dir/greenlight" runbook exec cycle --yes \
  </dev/null >/dev/null 2>&1
check "a refused user is logged with uid, user and pid ($(grep 'uid 65534' "$dir/serve.out"))" \
  test "$(grep -c "control: a connection: refused: greenlight serve refuses uid 65534 (nobody) pid [0-9]*: only root" "$dir/serve.out")" -eq 1
kill -TERM "$serve_pid"; wait "$serve_pid"; serve_pid=""
bmc_down_checked "$bmc" "$dir/bmc"
echo "$passed passed, $failed failed"
test "$failed" -eq 0
