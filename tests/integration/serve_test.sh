#!/usr/bin/env bash
# greenlight serve for real: checks run on their schedule, /metrics,
# /api/v1/checks and the health endpoints answer on loopback, SIGTERM stops it.
set -uo pipefail
gl=${GREENLIGHT:?}
site="${GREENLIGHT_SOURCE_DIR:?}/tests/fixtures/config/local-checks.yaml"
work=$(mktemp -d /tmp/greenlight-serve.XXXXXX)
pid=""
trap '[[ -n "$pid" ]] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
passed=0 failed=0
check() {
  local what=$1; shift
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $what"; fi
}
"$gl" -c "$site" serve --listen 127.0.0.1:0 >"$work/out" 2>&1 &
pid=$!
port=""
for _ in $(seq 50); do
  port=$(grep -o 'listening on port [0-9]*' "$work/out" | awk '{print $4}')
  [[ -n "$port" ]] && break
  sleep 0.1
done
check "serve says which port it listens on ($(cat "$work/out"))" test -n "$port"
url="http://127.0.0.1:$port"
check "healthy at once" test "$(curl -s -o /dev/null -w '%{http_code}' "$url/-/healthy")" = 200
ready=""
for _ in $(seq 50); do
  [[ $(curl -s -o /dev/null -w '%{http_code}' "$url/-/ready") == 200 ]] && { ready=yes; break; }
  sleep 0.2
done
check "ready once every check ran" test -n "$ready"
metrics=$(curl -s "$url/metrics")
check "status series per check" grep -q '^greenlight_check_status{check="ping-loopback",kind="fping"} 0$' <<<"$metrics"
check "a failing check is critical (2)" grep -q '^greenlight_check_status{check="false-command",kind="command"} 2$' <<<"$metrics"
check "a hung check is unknown (3) and unsuccessful" grep -q '^greenlight_check_success{check="slow-command",kind="command"} 0$' <<<"$metrics"
check "check samples are exported" grep -q '^greenlight_ping_up{check="ping-loopback",target="127.0.0.1"} 1$' <<<"$metrics"
check "build info" grep -q '^greenlight_build_info{version=' <<<"$metrics"
json=$(curl -s "$url/api/v1/checks")
check "the JSON API lists every check" /usr/bin/python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert len(d["checks"]) == 6, d' "$json"
kill -TERM "$pid"
stopped=""
for _ in $(seq 50); do
  kill -0 "$pid" 2>/dev/null || { stopped=yes; break; }
  sleep 0.1
done
wait "$pid"; rc=$?
pid=""
check "SIGTERM stops it cleanly (rc $rc)" test -n "$stopped" -a "$rc" -eq 0
echo "$passed passed, $failed failed"
test "$failed" -eq 0
