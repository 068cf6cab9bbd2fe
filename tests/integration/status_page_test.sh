#!/usr/bin/env bash
# The status page of `greenlight serve` in Debian's headless Chromium: for a
# known state (tests/fixtures/config/local-checks.yaml: ok, warning, critical
# and unknown checks) the page's script fetches the API and renders every
# check with its status, its message, "no run" and "no gate", and keeps
# polling; then a run executed by serve: its phases as a timeline (done,
# waiting on the gate since when, pending; a legend), the gate it waits on,
# red, and why, then every phase done; then the Readiness section and
# /api/v1/readiness: a runbook blocked by a check red for a known reason,
# one ready on a green check, a gate check serve does not run shown
# UNKNOWN, and `runbook check` agreeing. Screenshots are saved in the test's
# output directory.
set -uo pipefail
source "$(dirname "$0")/../support/serve_port.sh"
gl=${GREENLIGHT:?}
src=${GREENLIGHT_SOURCE_DIR:?}
chromium=${CHROMIUM:-/usr/bin/chromium}
out="${GREENLIGHT_BUILD_DIR:-/tmp}/test-output/status_page"
mkdir -p "$out"
work=$(mktemp -d /tmp/greenlight-status-page.XXXXXX)
pid=""
trap '[[ -n "$pid" ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$work"' EXIT
source "$(dirname "$0")/../support/check.sh"
browser() {
  # --disable-quic etc.: no traffic anywhere but the page's own loopback server.
  timeout 60 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --disable-default-apps --disable-extensions --hide-scrollbars \
    --user-data-dir="$(mktemp -d "$work/profile.XXXXXX")" "$@" 2>>"$work/chromium.log"
}

"$gl" -c "$src/tests/fixtures/config/local-checks.yaml" serve --listen 127.0.0.1:0 >"$work/out" 2>&1 &
pid=$!
port=$(serve_port "$work/out" 100)
check "serve listens" test -n "$port"
url="http://127.0.0.1:$port"
for _ in $(seq 50); do
  [[ $(curl -s -o /dev/null -w '%{http_code}' "$url/-/ready") == 200 ]] && break
  sleep 0.2
done

curl -s -D "$work/headers" "$url/" -o "$work/page.html"
check "/ is HTML" grep -qi '^content-type: text/html' "$work/headers"
check "the page loads nothing from elsewhere (no src= or href= to another origin)" \
  bash -c "! grep -Eiq '(src|href)=\"?(https?:)?//' '$work/page.html'"
check "an unknown path is 404" test "$(curl -s -o /dev/null -w '%{http_code}' "$url/nosuch")" = 404
runs=$(curl -s "$url/api/v1/runs")
gates=$(curl -s "$url/api/v1/gates")
check "/api/v1/runs is an empty list until the executor publishes ($runs)" \
  python3 -c 'import json,sys; assert json.loads(sys.argv[1])["runs"] == []' "$runs"
check "/api/v1/gates is an empty list until the executor publishes ($gates)" \
  python3 -c 'import json,sys; assert json.loads(sys.argv[1])["gates"] == []' "$gates"

# 10 s of virtual time: the first fetch and about four polls every 2 s.
browser --dump-dom --virtual-time-budget=10000 "$url/" >"$out/dom.html"
dom="$out/dom.html"
check "the DOM was dumped ($(tail -3 "$work/chromium.log"))" test -s "$dom"
for pair in ping-loopback=OK true-command=OK dummy-warning=WARNING false-command=CRITICAL \
  slow-command=UNKNOWN remote-peers=UNKNOWN; do
  name=${pair%=*} status=${pair#*=}
  check "check $name shown $status" grep -q "data-check=\"$name\" data-status=\"$status\"" "$dom"
done
check "the critical check's message is shown" grep -q 'exit status 1: volume volspoms1 is not started' "$dom"
check "the timed-out check says why" grep -q 'slow-command.*timed out\|timed out.*slow-command\|sleep 5' "$dom"
check "critical checks are listed first" \
  bash -c "grep -o 'data-check=\"[^\"]*\"' '$dom' | head -1 | grep -q false-command"
check "the overall status is CRITICAL" grep -q '<span id="overall" class="CRITICAL">CRITICAL</span>' "$dom"
check "counts per status" grep -q '<span data-count="CRITICAL">1 critical</span>' "$dom"
check "ages are rendered" grep -Eq '<td class="age">[0-9]+ s ago</td>' "$dom"
check "no run" grep -q '<div id="runs"><p class="empty">no run</p></div>' "$dom"
check "no gate" grep -q '<div id="gates"><p class="empty">no gate</p></div>' "$dom"
check "no runbook to judge" grep -q '<div id="readiness"><p class="empty">no runbook</p></div>' "$dom"
refreshes=$(grep -o 'data-refreshes="[0-9]*"' "$dom" | grep -o '[0-9]*')
check "the page keeps polling the API (${refreshes:-0} refreshes in 10 s)" test "${refreshes:-0}" -ge 3

browser --screenshot="$out/status.png" --window-size=1366,900 --virtual-time-budget=5000 "$url/" >/dev/null
check "screenshot saved in $out" test -s "$out/status.png"
check "the screenshot is a PNG" bash -c "head -c 8 '$out/status.png' | od -An -c | grep -q 'P   N   G'"

kill -TERM "$pid"; wait "$pid"; pid=""

# A run executed by serve, waiting on a red gate, then finished.
cat >"$work/run-site.yaml" <<YAML
site: page-run
hosts:
  here: {address: 127.0.0.1, self: true}
checks:
  flag: {kind: command, command: [test, -e, $work/flag], interval: 1h, timeout: 5s}
runbooks:
  runs: runs
  control: control.sock
  inline:
    gated:
      gates:
        flag-up: {description: the flag file exists, checks: [{check: flag}], timeout: 120s}
      phases:
        - name: prepare
          steps:
            - run: {on: self, command: "true"}
        - name: wait-flag
          steps:
            - run: {on: self, command: "true"}
          wait_for: [flag-up]
        - name: after
          steps:
            - run: {on: self, command: "true"}
YAML
export GREENLIGHT_CONFIG="$work/run-site.yaml"
"$gl" serve --listen 127.0.0.1:0 >"$work/run-out" 2>&1 &
pid=$!
port=$(serve_port "$work/run-out" 100)
url="http://127.0.0.1:$port"
for _ in $(seq 50); do "$gl" runbook exec gated --yes --detach >"$work/exec" 2>&1 && break; sleep 0.1; done
check "the run is submitted to serve ($(cat "$work/exec"))" grep -q 'executes in greenlight serve' "$work/exec"
gate_red() { curl -s "$url/api/v1/gates" | grep -Eq '"name": ?"flag-up".*"status": ?"red"'; }
for _ in $(seq 100); do gate_red && break; sleep 0.1; done
check "the gate waits, red ($(curl -s "$url/api/v1/gates"))" gate_red
browser --dump-dom --virtual-time-budget=5000 "$url/" >"$out/dom-run.html"
dom="$out/dom-run.html"
check "the run is shown" grep -q 'data-run="gated-' "$dom"
check "its first phase done" grep -q 'prepare (done)' "$dom"
check "the phase waiting on the gate, which and since when" \
  grep -Eq 'wait-flag \(waiting on gate flag-up since [0-9]{2}:[0-9]{2}:[0-9]{2}Z, [0-9]+ s\)' "$dom"
check "the next phase pending" grep -q 'after (pending)' "$dom"
# The timeline: one segment per phase, in order, its state as data and words.
check "the timeline's segments in phase order, each with its state" test \
  "$(grep -o 'data-phase="[^"]*" data-state="[^"]*"' "$dom" | tr '\n' ' ')" = \
  'data-phase="prepare" data-state="done" data-phase="wait-flag" data-state="waiting" data-phase="after" data-state="pending" '
check "the timeline is labelled for screen readers" grep -q '<ol class="timeline" aria-label="phases of run gated-' "$dom"
check "the waiting segment names its gate" grep -Eq '<li class="t-waiting" data-phase="wait-flag" data-state="waiting" title="wait-flag \(waiting on gate flag-up since [^"]*" style="[^"]*" data-gate="flag-up">' "$dom"
check "the done segment says when it ran and how long" \
  grep -Eq 'data-phase="prepare" data-state="done" title="prepare \(done\) [0-9:]{8}Z to [0-9:]{8}Z, [0-9]+ s"' "$dom"
check "the legend names every state in words" test \
  "$(grep -o 'data-legend="[a-z]*">[a-z]*<' "$dom" | tr '\n' ' ')" = \
  "$(for s in done running waiting paused pending skipped failed; do printf 'data-legend="%s">%s< ' $s $s; done)"
check "the gate red" grep -q 'data-gate="flag-up" data-status="red"' "$dom"
check "why the gate is red" grep -Eq 'flag.*(exit status 1|no result)' "$dom"
browser --screenshot="$out/status-run.png" --window-size=1366,900 --virtual-time-budget=5000 "$url/" >/dev/null
check "screenshot of the run, its timeline waiting on the gate, saved in $out" test -s "$out/status-run.png"
touch "$work/flag"
# The run's own state (a phase done says nothing about the run).
run_done() {
  curl -s "$url/api/v1/runs" | /usr/bin/python3 -c '
import json, sys
runs = json.load(sys.stdin)["runs"]
sys.exit(0 if runs and all(r["state"] == "done" for r in runs) else 1)'
}
for _ in $(seq 150); do run_done && break; sleep 0.1; done
check "the run finishes once the gate is green" run_done
browser --dump-dom --virtual-time-budget=5000 "$url/" >"$out/dom-done.html"
for phase in prepare wait-flag after; do
  check "phase $phase shown done" grep -q "$phase (done)" "$out/dom-done.html"
  check "phase $phase's segment done" grep -q "data-phase=\"$phase\" data-state=\"done\"" "$out/dom-done.html"
done
kill -TERM "$pid"; wait "$pid"; pid=""
# Readiness: what `runbook check` says, judged on serve's own results.
cat >"$work/ready-site.yaml" <<YAML
site: page-readiness
hosts:
  here: {address: 127.0.0.1, self: true}
groups:
  loopback: 127.0.0.1
checks:
  flag: {kind: command, command: [sh, -c, "echo 'no flag file: the array is not armed'; exit 1"], interval: 1h, timeout: 5s}
  fine: {kind: command, command: ["true"], interval: 1h, timeout: 5s}
  ping: {kind: fping, targets: "@loopback", count: 1, interval: 1h, timeout: 5s}
runbooks:
  runs: runs
  control: control.sock
  inline:
    day:
      gates:
        armed: {description: the array is armed, checks: [{check: flag}, {check: fine}]}
        gone: {description: loopback is down, checks: [{check: ping, expect: unreachable}]}
      phases:
        - name: pre
          require: [armed]
          steps:
            - run: {on: self, command: "true"}
          wait_for: [gone]
    quiet:
      gates:
        fine-now: {checks: [{check: fine}]}
      phases:
        - name: go
          require: [fine-now]
          steps:
            - run: {on: self, command: "true"}
YAML
export GREENLIGHT_CONFIG="$work/ready-site.yaml"
"$gl" serve --listen 127.0.0.1:0 >"$work/ready-out" 2>&1 &
pid=$!
port=$(serve_port "$work/ready-out" 100)
url="http://127.0.0.1:$port"
judged() {
  curl -s "$url/api/v1/readiness" >"$work/readiness.json" && /usr/bin/python3 -c '
import json, sys
books = {b["runbook"]: b for b in json.load(open(sys.argv[1]))["runbooks"]}
checks = {c["check"]: c for g in books["day"]["gates"] for c in g["checks"]}
sys.exit(0 if checks["flag"]["status"] == "CRITICAL" and checks["fine"]["status"] == "OK" else 1)' "$work/readiness.json" 2>/dev/null
}
for _ in $(seq 100); do judged && break; sleep 0.1; done
check "/api/v1/readiness judges every runbook on the checks' results ($(cat "$work/readiness.json"))" judged
check "  the blocked runbook, the gate, the check and its evidence" /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["judged"] is not None
books = {b["runbook"]: b for b in d["runbooks"]}
day, quiet = books["day"], books["quiet"]
assert day["blocks"] is True, day
assert day["summary"].startswith("would block at gate armed (phase pre) because flag: CRITICAL now"), day["summary"]
assert "no flag file: the array is not armed" in day["summary"], day["summary"]
armed, gone = day["gates"]
assert armed["gate"] == "armed" and armed["before_first_step"] is True and armed["blocks"] is True
flag, fine = armed["checks"]
assert flag["check"] == "flag" and flag["blocks"] is True and flag["evidence"] is not None
assert "no flag file: the array is not armed" in flag["message"], flag
assert fine["status"] == "OK" and fine["blocks"] is False and fine["evidence"] is not None
ping = gone["checks"][0]
assert gone["before_first_step"] is False
assert ping["evaluated"] == "ping{expect=unreachable}", ping
assert ping["status"] == "UNKNOWN" and ping["blocks"] is True and ping["evidence"] is None, ping
assert ping["message"].startswith("not evaluated yet"), ping
assert ping["nodes"] == "targets=@loopback", ping
assert quiet["blocks"] is False and quiet["summary"] == "ready: none of its 1 gate would block now", quiet
' "$work/readiness.json"
browser --dump-dom --virtual-time-budget=5000 "$url/" >"$out/dom-readiness.html"
dom="$out/dom-readiness.html"
check "the page: day would block" grep -q 'data-runbook="day" data-ready="no"' "$dom"
check "  at gate armed because of the flag, with the reason" \
  grep -q 'would block at gate armed (phase pre) because flag: CRITICAL now.*no flag file: the array is not armed' "$dom"
check "  the red check" grep -q 'data-readiness-check="flag" data-status="CRITICAL"' "$dom"
check "  the green check" grep -q 'data-readiness-check="fine" data-status="OK"' "$dom"
check "  the check serve does not run: UNKNOWN, not evaluated yet" \
  grep -q 'data-readiness-check="ping" data-status="UNKNOWN">.*not evaluated yet' "$dom"
check "the page: quiet is ready" grep -q 'data-runbook="quiet" data-ready="yes"' "$dom"
browser --screenshot="$out/status-readiness.png" --window-size=1366,1100 --virtual-time-budget=5000 "$url/" >/dev/null
check "screenshot of the readiness saved" test -s "$out/status-readiness.png"
cli=$("$gl" runbook check day 2>&1); rc=$?
check "runbook check agrees: blocks (rc $rc)" test "$rc" -eq 1
check "  at gate armed, with the same evidence ($cli)" \
  grep -q "no flag file: the array is not armed" <<<"$cli"
check "  and runs the check serve does not: it looked (loopback answers)" \
  grep -q "ok     gate gone" <<<"$cli"
kill -TERM "$pid"; wait "$pid"; pid=""
echo "$passed passed, $failed failed (screenshots: $out/status.png, $out/status-run.png, $out/status-readiness.png)"
test "$failed" -eq 0
