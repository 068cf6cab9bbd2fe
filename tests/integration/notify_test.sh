#!/usr/bin/env bash
# The site's notify command, for real: curl POSTs each pause, failure, end
# and abort to an HTTP receiver on loopback (python3's http.server), for runs
# executed in process (runbook exec, runbook abort) and by greenlight serve.
# The receiver gets the run, event, phase and reason; each outcome is in the
# run's journal (runbook log, -o json) without changing the run; a command
# that hangs is cut at its timeout (its background child too), journaled so,
# and the run still finishes. A known secret in greenlight's environment
# (IPMI_PASSWORD) reaches no notify command, journal or output.
set -uo pipefail
gl=${GREENLIGHT:?}
py=/usr/bin/python3
source "$(dirname "$0")/../support/check.sh"
source "$(dirname "$0")/../support/serve_port.sh"
source "$(dirname "$0")/../support/workdir.sh"
receiver_pid= serve_pid= gl_pid=
make_workdir notify receiver_pid serve_pid gl_pid

# The receiver: one line per POST, "PATH BODY", in $dir/received.
cat >"$dir/receiver.py" <<'EOF'
import http.server, sys
out, portfile = sys.argv[1], sys.argv[2]
class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
        with open(out, "a") as f:
            f.write(f"{self.path} {body}\n")
        self.send_response(204 if self.path == "/hook" else 500)
        self.end_headers()
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", 0), Hook)
with open(portfile + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os
os.rename(portfile + ".tmp", portfile)
server.serve_forever()
EOF
$py "$dir/receiver.py" "$dir/received" "$dir/hook.port" &
receiver_pid=$!
wait_for 50 test -s "$dir/hook.port"
hook_port=$(cat "$dir/hook.port")
check "the receiver listens on loopback (port $hook_port)" test -n "$hook_port"

secret=Gl-s3cr3t-9b1e4d
export IPMI_PASSWORD=$secret GREENLIGHT_API_TOKEN=$secret

# TIMEOUT and HOOK_PATH are filled in by site() below.
site() {  # site COMMAND TIMEOUT: writes the site with that notify command
  cat >"$dir/site.yaml" <<EOF
site: lab
hosts:
  here: {self: true}
notify:
  command: $1
  timeout: $2
  events: [paused, failed, finished, aborted, asking]
exporter: {listen: "127.0.0.1:9877"}
runbooks:
  runs: runs
  control: control.sock
  inline:
    quick:
      phases:
        - name: one
          steps:
            - run: {on: self, command: "echo one >> $dir/trace"}
    failing:
      phases:
        - name: only
          steps:
            - run: {on: self, command: "exit 3"}
    asks:
      phases:
        - name: only
          steps:
            - confirm: Go on?
            - run: {on: self, command: "echo asked >> $dir/trace"}
EOF
}
# The facts travel in the environment; the command's text is the site's.
curl_hook='env -0 > '"$dir"'/env.$GREENLIGHT_EVENT.$$; curl -fsS -m 5 --noproxy "*" --data-urlencode "run=$GREENLIGHT_RUN" --data-urlencode "runbook=$GREENLIGHT_RUNBOOK" --data-urlencode "event=$GREENLIGHT_EVENT" --data-urlencode "phase=$GREENLIGHT_PHASE" --data-urlencode "step=$GREENLIGHT_STEP" --data-urlencode "reason=$GREENLIGHT_REASON" --data-urlencode "url=$GREENLIGHT_STATUS_URL" --data-urlencode "host=$GREENLIGHT_HOST" http://127.0.0.1:'"$hook_port"'/hook'
site "'$curl_hook'" 10s
export GREENLIGHT_CONFIG=$dir/site.yaml
unset GREENLIGHT_CONTROL_SOCKET
out=$("$gl" config check 2>&1)
check "the site with notify loads ($out)" test $? -eq 0

received() {  # received EVENT RUN: the receiver got EVENT for RUN
  grep "^/hook " "$dir/received" 2>/dev/null | grep "event=$1&" | grep -q "run=$2&"
}

# 1. In process: a step fails, the run pauses; the receiver hears both.
out=$("$gl" runbook exec failing --yes 2>&1 </dev/null); rc=$?
check "the failing run pauses (rc $rc)" test "$rc" -eq 3
run=$(ls "$dir/runs" | grep '^failing-')
check "the receiver got the failure of $run" wait_for 50 received failed "$run"
check "the receiver got the pause of $run" wait_for 50 received paused "$run"
line=$(grep "event=paused&" "$dir/received" | grep "run=$run&")
check "the pause names the runbook, phase, step, reason, status page and host ($line)" \
  $py -c '
import sys, urllib.parse
q = dict(urllib.parse.parse_qsl(sys.argv[1].split(" ", 1)[1]))
assert q["runbook"] == "failing" and q["phase"] == "only" and q["step"] == "1", q
assert "exit 3" in q["reason"], q
assert q["url"] == "http://127.0.0.1:9877/" and q["host"] == "here", q
' "$line"
log=$("$gl" runbook log "$run" 2>&1)
check "the journal has both outcomes ($log)" \
  test "$(grep -c 'notified.*exit 0' <<<"$log")" -eq 2
status=$("$gl" runbook status "$run" 2>&1)
check "the run is still paused, as its own records say ($status)" grep -q "paused" <<<"$status"

# 2. runbook abort in another process: the receiver hears the abort.
out=$("$gl" runbook abort "$run" --reason "the test ends it" 2>&1); rc=$?
check "abort (rc $rc: $out)" test "$rc" -eq 0
check "the receiver got the abort, with its reason" \
  bash -c 'grep "event=aborted&" "$1" | grep "run=$2&" | grep -q "reason=the+test+ends+it"' _ \
  "$dir/received" "$run"
check "the abort's outcome is journaled" grep -q "notified.*aborted.*exit 0" \
  <("$gl" runbook log "$run" 2>&1)

# 3. A run to its end: finished, journaled after run-finished; -o json shows it.
out=$("$gl" runbook exec quick --yes 2>&1 </dev/null); rc=$?
check "the quick run finishes (rc $rc)" test "$rc" -eq 0
quick=$(ls "$dir/runs" | grep '^quick-')
check "the receiver got the end of $quick" received finished "$quick"
json=$("$gl" runbook log "$quick" -o json 2>&1)
check "-o json log shows the notification after the end ($json)" $py -c '
import json, sys
doc = json.loads(sys.argv[1])
records = doc["records"] if isinstance(doc, dict) else doc
events = [r["event"] for r in records]
assert events[-2:] == ["run-finished", "notified"], events
last = records[-1]
assert last["step"] == "finished" and last["detail"] == "exit 0", last
' "$json"
check "status says finished" grep -q "finished" <("$gl" runbook status "$quick" 2>&1)

# 4. A receiver that fails: journaled as a warning, the run unaffected.
site "'curl -fsS -m 5 --noproxy \"*\" -d x http://127.0.0.1:$hook_port/broken'" 10s
out=$("$gl" runbook exec quick --yes 2>&1 </dev/null); rc=$?
check "a failing notify command does not fail the run (rc $rc)" test "$rc" -eq 0
quick2=$(ls -t "$dir/runs" | grep '^quick-' | head -1)
check "its failure is journaled with curl's words" grep -q "notified.*finished.*exit 22: curl: (22)" \
  <("$gl" runbook log "$quick2" 2>&1)

# 5. A command that hangs (with a child in the background) is cut at its
# timeout; the run finished all the same.
site "'sleep 300 & echo \$! > $dir/hung.pid; echo still waiting >&2; sleep 300'" 1s
start=$(date +%s)
out=$("$gl" runbook exec quick --yes 2>&1 </dev/null); rc=$?
took=$(( $(date +%s) - start ))
check "the run finishes despite the hanging notify command (rc $rc)" test "$rc" -eq 0
check "exec waited for it no longer than its timeout and grace ($took s)" test "$took" -le 6
check "exec said it waited for the notify command" grep -q "waiting up to 2s for the notify command" <<<"$out"
quick3=$(ls -t "$dir/runs" | grep '^quick-' | head -1)
check "the timeout is journaled with its stderr" grep -q "notified.*finished.*timed out after 1s: still waiting" \
  <("$gl" runbook log "$quick3" 2>&1)
hung=$(cat "$dir/hung.pid" 2>/dev/null)
check "the command's background child was ended too ($hung)" \
  wait_for 30 bash -c '! kill -0 "$1" 2>/dev/null || grep -q ") Z" /proc/$1/stat' _ "$hung"

# 6. Under greenlight serve: the failure while the run asks, the abort, the end.
site "'$curl_hook'" 10s
"$gl" serve --listen 127.0.0.1:0 >"$dir/serve.out" 2>&1 &
serve_pid=$!
port=$(serve_port "$dir/serve.out" 100)
check "serve listens" test -n "$port"
out=$("$gl" runbook exec failing --yes --detach 2>&1 </dev/null)
held=$(grep -o 'attach failing-[0-9-]*' <<<"$out" | awk '{print $2}')
check "serve executes the failing run ($held)" test -n "$held"
check "the receiver got its failure from serve" wait_for 100 received failed "$held"
out=$("$gl" runbook abort "$held" --reason "serve test" 2>&1); rc=$?
check "serve aborts it (rc $rc: $out)" test "$rc" -eq 0
check "the receiver got the abort from serve" wait_for 100 received aborted "$held"
check "serve journaled the abort's outcome" \
  wait_for 50 bash -c '"$1" runbook log "$2" 2>&1 | grep -q "notified.*aborted.*exit 0"' _ "$gl" "$held"
out=$("$gl" runbook exec quick --yes 2>&1 </dev/null); rc=$?
check "serve finishes a run (rc $rc)" test "$rc" -eq 0
served=$(ls -t "$dir/runs" | grep '^quick-' | head -1)
check "the receiver got its end from serve" wait_for 100 received finished "$served"
check "serve journaled the end's outcome" \
  wait_for 50 bash -c '"$1" runbook log "$2" 2>&1 | grep -q "notified.*finished.*exit 0"' _ "$gl" "$served"
check "serve logged the outcome" wait_for 50 grep -q "run $served: notify finished: exit 0" "$dir/serve.out"
# A run in serve that asks with nobody attached tells people it waits:
# the confirm, then the approval of its first change (no --yes), each
# journaled; the status URL is the port serve took, not the site's.
out=$("$gl" runbook exec asks --detach 2>&1 </dev/null)
asks=$(grep -o 'attach asks-[0-9-]*' <<<"$out" | awk '{print $2}')
check "serve executes the asking run ($asks: $out)" test -n "$asks"
check "the receiver got the confirm's question from serve" wait_for 100 received asking "$asks"
check "... with the question as its reason and step 1" \
  eval 'grep "event=asking&" "$dir/received" | grep "run=$asks&" | grep -q "step=1&reason=confirm%3A+Go+on%3F"'
check "... and the status page at the port serve listens on ($port)" \
  eval 'grep "event=asking&" "$dir/received" | grep "run=$asks&" | grep -q "url=http%3A%2F%2F127.0.0.1%3A$port%2F"'
out=$(printf 'y\n' | "$gl" runbook attach "$asks" 2>&1)
check "the approval of the first change is journaled as asked" \
  wait_for 100 bash -c '"$1" runbook log "$2" 2>&1 | grep -q "approval-asked.*only.*2.*run on here (1 node): echo asked"' _ "$gl" "$asks"
check "... told as asking, step 2" \
  wait_for 100 bash -c 'grep "event=asking&" "$1" | grep "run=$2&" | grep -q "step=2&"' _ "$dir/received" "$asks"
status=$("$gl" runbook status "$asks" -o json 2>&1)
check "status shows the approval as the open question ($status)" \
  grep -q '"kind":"question".*approve the first change: run on here' <<<"$status"
out=$(printf 'y\n' | "$gl" runbook attach "$asks" 2>&1)
check "answered, the approval is journaled with who gave it" \
  wait_for 100 bash -c '"$1" runbook log "$2" 2>&1 | grep -q "change-approved.*only.*2.*approved (answered by uid"' _ "$gl" "$asks"
check "the asking run finishes" wait_for 100 received finished "$asks"
check "--yes is journaled as the approval, naming who gave it" \
  bash -c '"$1" runbook log "$2" 2>&1 | grep -q "change-approved.*approved in advance with --yes (by uid"' _ "$gl" "$held"
kill "$serve_pid"; wait "$serve_pid" 2>/dev/null; serve_pid=

# 7. The secret in greenlight's environment went nowhere.
envs=$(ls "$dir"/env.* 2>/dev/null | wc -l)
check "the notify commands dumped their environment ($envs files)" test "$envs" -ge 6
check "they had the run's facts" grep -qz "^GREENLIGHT_RUN=$run\$" "$dir"/env.paused.*
hits=$(grep -rlF -e "$secret" "$dir"/env.* "$dir/received" "$dir/runs" "$dir/serve.out" 2>/dev/null)
check "the secret is in no environment, request, journal or log (${hits:-none})" test -z "$hits"
check "nor any variable of greenlight's but PATH, HOME, LANG, TZ, USER, LOGNAME" $py -c '
import sys
allowed = {"PATH", "HOME", "LANG", "TZ", "USER", "LOGNAME", "PWD", "SHLVL", "_"}
for name in sys.argv[1:]:
    entries = open(name, "rb").read().split(b"\0")
    names = {e.split(b"=", 1)[0].decode() for e in entries if e}
    extra = {n for n in names if not n.startswith("GREENLIGHT_")} - allowed
    assert not extra, (name, extra)
' "$dir"/env.*

echo "$passed passed, $failed failed"
test "$failed" -eq 0
