#!/usr/bin/env bash
# greenlight serve for real: checks run on their schedule, /metrics,
# /api/v1/checks and the health endpoints answer on loopback, SIGHUP reloads
# the configuration (and refuses a bad one, keeping the running one), SIGTERM
# stops it.
set -uo pipefail
source "$(dirname "$0")/../support/serve_port.sh"
gl=${GREENLIGHT:?}
work=$(mktemp -d /tmp/greenlight-serve.XXXXXX)
# serve reads its own copy: the test rewrites it before SIGHUP.
site="$work/site.yaml"
cp "${GREENLIGHT_SOURCE_DIR:?}/tests/fixtures/config/local-checks.yaml" "$site"
pid=""
trap '[[ -n "$pid" ]] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
source "$(dirname "$0")/../support/check.sh"
source "$(dirname "$0")/../support/alias_bomb.sh"
"$gl" -c "$site" serve --listen 127.0.0.1:0 >"$work/out" 2>&1 &
pid=$!
port=$(serve_port "$work/out" 50)
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
check "the status page is served on /" grep -q '<title>greenlight</title>' <(curl -s "$url/")
check "the status page says where its facts are without JavaScript" \
  grep -q "<noscript>.*JavaScript, which is off" <(curl -s "$url/" | tr -d "\n")
check "/api/v1/runs answers an empty list" grep -q '"runs": \[\]' <(curl -s "$url/api/v1/runs")
check "/api/v1/gates answers an empty list" grep -q '"gates": \[\]' <(curl -s "$url/api/v1/gates")

# Clients that connect and send nothing, or stop in the middle of a request,
# must not hold the server: /metrics, the health endpoint and the status page
# still answer at once (CivetWeb serves a connection per thread; docs/exporter.md).
python3 -c '
import socket, sys, time
port = int(sys.argv[1])
held = []
for i in range(40):
    s = socket.create_connection(("127.0.0.1", port))
    if i % 2:
        s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
    held.append(s)
open(sys.argv[2], "w").write("connected\n")
time.sleep(30)
' "$port" "$work/idle-ready" &
idle_pid=$!
for _ in $(seq 100); do [[ -s $work/idle-ready ]] && break; sleep 0.1; done
check "40 idle or unfinished connections are open" test -s "$work/idle-ready"
for path in /metrics /-/healthy /; do
  code=$(curl -s -o /dev/null --max-time 2 -w '%{http_code} %{time_total}' "$url$path")
  check "$path answers within 2 s while 40 clients hold idle or unfinished requests ($code)" test "${code%% *}" = 200
done
kill "$idle_pid" 2>/dev/null
wait "$idle_pid" 2>/dev/null

# SIGHUP with a broken configuration: refused with file:line:col, the
# running checks go on.
cp "$site" "$work/good.yaml"
sed -i 's/kind: command$/kind: comand/' "$site"
line=$(grep -n 'kind: comand' "$site" | head -1 | cut -d: -f1)
kill -HUP "$pid"
refused=""
for _ in $(seq 50); do
  grep -q 'keeping the running configuration' "$work/out" && { refused=yes; break; }
  sleep 0.1
done
check "a bad configuration is refused on SIGHUP" test -n "$refused"
check "the refusal names file:line:col ($(grep -m1 'site.yaml:' "$work/out"))" \
  grep -q " error .*site.yaml:$line:[0-9]*: .*comand" "$work/out"
check "still running after a refused reload" kill -0 "$pid"
metrics=$(curl -s "$url/metrics")
check "the old checks still serve after a refused reload" \
  grep -q '^greenlight_check_status{check="true-command",kind="command"} 0$' <<<"$metrics"

# SIGHUP with an alias bomb, then with an empty file: refused, the running
# configuration kept (an empty file used to be a valid configuration with no check).
alias_bomb >"$site"
kill -HUP "$pid"
for _ in $(seq 50); do
  [[ $(grep -c 'keeping the running configuration' "$work/out") -ge 2 ]] && break
  sleep 0.1
done
check "an alias bomb on SIGHUP is refused, serve keeps running" kill -0 "$pid"
check "the refusal says why" grep -q "values, aliases expanded" "$work/out"
: >"$site"
kill -HUP "$pid"
for _ in $(seq 50); do
  [[ $(grep -c 'keeping the running configuration' "$work/out") -ge 3 ]] && break
  sleep 0.1
done
check "an empty file on SIGHUP is refused" grep -q "site.yaml is empty" "$work/out"
metrics=$(curl -s "$url/metrics")
check "the checks still run after both" \
  grep -q '^greenlight_check_status{check="true-command",kind="command"} 0$' <<<"$metrics"

# A second serve on the same port says why it cannot listen.
out=$(GREENLIGHT_CONTROL_SOCKET="$work/second.sock" timeout 10 "$gl" -c "$work/good.yaml" serve --listen "127.0.0.1:$port" 2>&1); rc=$?
check "a port in use is named as such (rc $rc: $out)" grep -q "cannot listen on 127.0.0.1:$port: Address already in use" <<<"$out"
out=$("$gl" -c "$work/good.yaml" serve --listen 999.1.1.1:19893 2>&1); rc=$?
check "a listen address that is not one is refused (rc $rc)" grep -q "'999.1.1.1' is not an IPv4 address" <<<"$out"

# SIGHUP with a valid configuration: one check removed, one added.
cp "$work/good.yaml" "$site"
sed -i '/^  dummy-warning:/,/^    command:/d' "$site"
cat >>"$site" <<'YAML'
  added-after-reload:
    kind: command
    command: [sh, -c, "echo reloaded"]
YAML
kill -HUP "$pid"
reloaded=""
for _ in $(seq 50); do
  grep -q 'SIGHUP: reloaded' "$work/out" && { reloaded=yes; break; }
  sleep 0.1
done
check "a valid configuration is reloaded on SIGHUP ($(tail -2 "$work/out"))" test -n "$reloaded"
added=""
for _ in $(seq 50); do
  metrics=$(curl -s "$url/metrics")
  grep -q '^greenlight_check_status{check="added-after-reload",kind="command"} 0$' <<<"$metrics" && { added=yes; break; }
  sleep 0.2
done
check "the added check runs" test -n "$added"
check "the removed check is gone" bash -c '! grep -q dummy-warning' <<<"$metrics"
check "the kept checks keep their results" \
  grep -q '^greenlight_check_status{check="false-command",kind="command"} 2$' <<<"$metrics"

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
