#!/usr/bin/env bash
# The log of `greenlight serve`: a check that changes state (a command
# check on a flag file), a short runbook executed by serve whose step makes
# the check green and whose gate waits for it, and control requests
# accepted and refused. Every line has the log's format; each state change,
# each run transition (every record of the run's journal) and each control
# request appears exactly once, with its level. -q keeps warnings and errors
# only, -v adds every check result, `log: {level}` sets it in the site, and
# under the journal ($JOURNAL_STREAM naming stderr) lines carry the syslog
# priority instead of the time.
set -uo pipefail
gl=${GREENLIGHT:?}
source "$(dirname "$0")/../support/check.sh"
source "$(dirname "$0")/../support/serve_port.sh"
work=$(mktemp -d /tmp/greenlight-log-XXXXXX)
serve_pid=""
cleanup() {
  [[ -n "$serve_pid" ]] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
cat >"$work/site.yaml" <<EOF
site: log-test
hosts:
  here: {address: 127.0.0.1, self: true}
exporter:
  listen: "127.0.0.1:0"
checks:
  flag:
    kind: command
    interval: 500ms
    command: [sh, -c, 'test -e "\$0" || { echo "no flag yet"; exit 2; }; echo "flag up"', "$work/flag"]
runbooks:
  runs: runs
  inline:
    short:
      gates:
        flag-up:
          checks: [{check: flag}]
          timeout: 1m
      phases:
        - name: raise
          steps:
            - run: {on: self, command: "touch $work/flag"}
          wait_for: [flag-up]
        - name: after
          steps:
            - run: {on: self, command: "true"}
EOF
stamp='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z'
count() { grep -cE "^$stamp $1\$" "$work/serve.log"; }  # LEVEL MESSAGE (a regex)

"$gl" -c "$work/site.yaml" serve >"$work/serve.log" 2>&1 &
serve_pid=$!
port=$(serve_port "$work/serve.log" 100)
check "serve listens ($(cat "$work/serve.log"))" test -n "$port"
red() { grep -q 'check flag: CRITICAL' "$work/serve.log"; }
check "the check's first result is logged" wait_for 100 red
out=$("$gl" -c "$work/site.yaml" runbook exec short --yes </dev/null 2>&1); rc=$?
check "serve executed the run (rc $rc: $out)" test "$rc" -eq 0
run=$(ls "$work/runs" | grep '^short-')
"$gl" -c "$work/site.yaml" runbook attach short-nosuch </dev/null >/dev/null 2>&1
# A request naming a runbook with an ESC, one with a NUL (refused by the
# protocol: a name cut there names another), and a line too long: each
# refused and logged once, the control bytes escaped.
python3 - "${GREENLIGHT_CONTROL_SOCKET:?}" <<'PY'
import socket, sys
for payload in [b'{"request":"exec","runbook":"a\\u001b[31m"}\n',
                b'{"request":"exec","runbook":"a\\u0000b"}\n', b"x" * 300000 + b"\n"]:
    s = socket.socket(socket.AF_UNIX)
    s.connect(sys.argv[1])
    s.settimeout(3)
    try:
        s.sendall(payload)
        s.recv(65536)
    except OSError:
        pass
    s.close()
PY
sleep 1.5  # more results of the check, unchanged
kill -TERM "$serve_pid"; wait "$serve_pid"; serve_pid=""

bad=$(grep -cvE "^$stamp (debug|info|warning|error) " "$work/serve.log")
check "every line is TIME LEVEL MESSAGE ($bad others: $(grep -vE "^$stamp " "$work/serve.log" | head -3))" \
  test "$bad" -eq 0
check "no debug line at the default level" test "$(grep -cE "^$stamp debug " "$work/serve.log")" -eq 0
check "the start is logged once" test "$(count 'info greenlight [^ ]+: 1 checks, listening on port [0-9]+ .*')" -eq 1
check "the first result: once, a warning" test "$(count 'warning check flag: CRITICAL: exit status 2: no flag yet')" -eq 1
check "the change to OK: once, info" test "$(count 'info check flag: CRITICAL -> OK: exit status 0: flag up')" -eq 1
check "no other line about the check" test "$(grep -c 'check flag' "$work/serve.log")" -eq 2
check "the exec request: once, info, with who and the run" \
  test "$(count "info control: exec short from uid 0 \(root\) pid [0-9]+: accepted, run $run")" -eq 1
check "the refused attach: once, a warning with why" \
  test "$(count 'warning control: attach run short-nosuch from uid 0 \(root\) pid [0-9]+: refused: .*')" -eq 1
check "the line too long: once, a warning with who" \
  test "$(count 'warning control: a request from uid 0 \(root\) pid [0-9]+: refused: line longer than 262144 bytes')" -eq 1
check "the ESC of a request is escaped in the log" \
  test "$(grep -c 'control: exec a\\x1b\[31m from' "$work/serve.log")" -eq 1
check "a NUL in a request: refused by the protocol, once, a warning with who" \
  test "$(count 'warning control: a malformed request from uid 0 \(root\) pid [0-9]+: refused: bad request: exec: "runbook" holds a NUL byte .*')" -eq 1
check "no raw control byte in the log" bash -c '! LC_ALL=C grep -q "[[:cntrl:]]" "$1"' _ "$work/serve.log"
check "no other control line" test "$(grep -c ' control: ' "$work/serve.log")" -eq 5
records=0 missing=""
# (fields split on a separator that is not a blank: empty fields stay)
while IFS=$'\037' read -r _ _ event phase step detail _; do
  [[ $event == step-process || $event == step-remote ]] && continue  # debug
  records=$((records + 1))
  line="run $run: $event"
  [[ -n $phase ]] && line+=" phase $phase"
  if [[ -n $step ]]; then
    case $event in
      gate-*|remedy-*) line+=" gate $step" ;;
      nodes-excluded) line+=" nodes $step" ;;
      run-group-imported) line+=" group $step" ;;
      run-outline) line+=" file $step" ;;
      *) line+=" step $step" ;;
    esac
  fi
  [[ -n $detail ]] && line+=": $detail"
  n=$(grep -cF -x -e "$line" <(sed -E "s/^$stamp (info|warning) //" "$work/serve.log"))
  [[ $n -eq 1 ]] || missing+=" [$line: $n times]"
done < <(tr '\t' '\037' <"$work/runs/$run/journal")
check "each of the run's $records journal records is logged once (${missing:-all are})" test -z "$missing"
check "no other line about the run" test "$(grep -c " run $run: " "$work/serve.log")" -eq "$records"
check "the run's start and end are info" \
  test "$(count "info run $run: run-started: short")$(count "info run $run: run-finished")" = 11
check "the stop is logged" test "$(count 'info signal 15, stopping')" -eq 1

# -q: warnings and errors only; -v: every result too; the site's level.
flag_state() {  # OPTIONS...: serve on a fixed port for 2 s, its log in $work/serve.log
  local listen
  listen=127.0.0.1:$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "$gl" -c "$work/site.yaml" serve --listen "$listen" "$@" >"$work/serve.log" 2>&1 &
  serve_pid=$!
  wait_for 50 curl -sf -o /dev/null "http://$listen/-/ready"
  sleep 1.2
  kill -TERM "$serve_pid"; wait "$serve_pid"; serve_pid=""
}
rm -f "$work/flag"
flag_state -q
check "-q: the red check is logged (a warning)" test "$(count 'warning check flag: CRITICAL: exit status 2: no flag yet')" -eq 1
check "-q: no info line ($(grep -m1 ' info ' "$work/serve.log"))" test "$(grep -cE "^$stamp (info|debug) " "$work/serve.log")" -eq 0
flag_state -v
check "-v: unchanged results at debug" test "$(count 'debug check flag: still CRITICAL: exit status 2: no flag yet')" -ge 1
printf 'log:\n  level: warning\n' >>"$work/site.yaml"
flag_state
check "log: {level: warning}: no info line" test "$(grep -cE "^$stamp (info|debug) " "$work/serve.log")" -eq 0
check "log: {level: warning}: warnings still" test "$(count 'warning check flag: CRITICAL: exit status 2: no flag yet')" -eq 1
flag_state -v
check "-v wins over the site's level" test "$(count 'debug check flag: still CRITICAL: exit status 2: no flag yet')" -ge 1

# Under systemd, stderr is the journal: the priority starts the line.
listen=127.0.0.1:$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
: >"$work/journal.log"
exec 3>"$work/journal.log"
JOURNAL_STREAM=$(stat -c '%d:%i' "$work/journal.log") "$gl" -c "$work/site.yaml" serve --listen "$listen" -v 2>&3 &
serve_pid=$!
exec 3>&-
wait_for 50 curl -sf -o /dev/null "http://$listen/-/ready"
sleep 1.2  # a result again, at debug
kill -TERM "$serve_pid"; wait "$serve_pid"; serve_pid=""
check "journal: a warning starts with <4> ($(head -2 "$work/journal.log"))" \
  grep -qx '<4>warning check flag: CRITICAL: exit status 2: no flag yet' "$work/journal.log"
check "journal: info starts with <6>" grep -q '^<6>info ' "$work/journal.log"
check "journal: debug starts with <7>" grep -q '^<7>debug ' "$work/journal.log"
check "journal: every line starts with its priority" test "$(grep -cvE '^<[3467]>(debug|info|warning|error) ' "$work/journal.log")" -eq 0

# A check cut because serve stops says nothing of the cluster: serve's
# SIGTERM logs no change of it (it used to log "OK -> UNKNOWN").
cat >"$work/slow.yaml" <<EOF
site: log-slow
hosts:
  here: {address: 127.0.0.1, self: true}
exporter:
  listen: "127.0.0.1:0"
checks:
  slow:
    kind: command
    interval: 200ms
    timeout: 1m
    command: [sh, -c, 'test -e "\$0" && sleep 30; echo fine', "$work/hang"]
EOF
rm -f "$work/hang"
"$gl" -c "$work/slow.yaml" serve >"$work/serve.log" 2>&1 &
serve_pid=$!
ok_logged() { grep -q 'check slow: OK' "$work/serve.log"; }
check "the slow check is OK first" wait_for 100 ok_logged
touch "$work/hang"
sleep 1  # the check is now in flight, in its sleep
kill -TERM "$serve_pid"; wait "$serve_pid"; serve_pid=""
check "the cut check's result is not logged as a change ($(grep 'check slow' "$work/serve.log" | tail -2))" \
  test "$(grep -c 'check slow' "$work/serve.log")" -eq 1
check "serve's stop logged no warning ($(grep ' warning ' "$work/serve.log" | head -2))" \
  test "$(grep -cE "^$stamp warning " "$work/serve.log")" -eq 0
echo "$passed passed, $failed failed"
test "$failed" -eq 0
