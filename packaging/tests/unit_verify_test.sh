#!/usr/bin/env bash
# packaging/systemd/greenlight.service and greenlight serve under it:
# - systemd-analyze verify finds nothing to say (and does find a broken copy);
# - the unit has what docs/install.md promises, docs/install.md explains each
#   of its directives, and the unit has none of the options that
#   would give serve a mount namespace or fewer capabilities than root (the
#   runs' steps on this host umount, pkill, call systemctl and poweroff);
# - serve speaks the Type=notify protocol to a notification socket made here
#   (READY=1 once it listens, RELOADING=1 then READY=1 on SIGHUP, STOPPING=1),
#   and, started over a run left interrupted by a SIGKILL, names the run in
#   its log and STATUS= and does not resume it.
set -uo pipefail
gl=${GREENLIGHT:?}
source "${GREENLIGHT_SOURCE_DIR:?}/tests/support/check.sh"
unit=$GREENLIGHT_SOURCE_DIR/packaging/systemd/greenlight.service
work=$(mktemp -d /tmp/greenlight-unit.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null; done
  [[ -s $work/step.pid ]] && kill -9 "$(cat "$work/step.pid")" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# --- the unit file --------------------------------------------------------
mkdir -p "$work/unit" "$work/broken"
sed "s|/usr/bin/greenlight|$gl|" "$unit" >"$work/unit/greenlight.service"
out=$(systemd-analyze verify --man=no "$work/unit/greenlight.service" 2>&1)
check "systemd-analyze verify: nothing to say (${out})" test -z "$out"
sed 's/^Type=notify$/Type=notfy/' "$work/unit/greenlight.service" >"$work/broken/greenlight.service"
out=$(systemd-analyze verify --man=no "$work/broken/greenlight.service" 2>&1)
check "systemd-analyze verify finds a bad Type= (${out})" grep -qi "service type" <<<"$out"
for setting in 'Type=notify' 'RuntimeDirectory=greenlight' 'StateDirectory=greenlight' \
  'Restart=on-failure' 'ExecReload=/bin/kill -HUP $MAINPID' 'NoNewPrivileges=yes' \
  'ExecStart=/usr/bin/greenlight -c /etc/greenlight/greenlight.yaml serve'; do
  check "the unit says $setting" grep -qxF "$setting" "$unit"
done
# Every directive of the unit is in docs/install.md's table of section 3
# ("| `Key=...`" or "`Key=...`" among others on a row).
table=$(awk '/^## 3\. The systemd unit/ { on = 1; next } on && /^## / { exit } on && /^\| `/' \
  "$GREENLIGHT_SOURCE_DIR/docs/install.md" | awk '/^\| left out/ { exit } { print }')
check "docs/install.md has the unit's table" test -n "$table"
while read -r key; do
  check "docs/install.md's table explains $key=" grep -qF "\`$key=" <<<"$table"
done < <(sed -n 's/^\([A-Za-z]*\)=.*/\1/p' "$unit")
check "the unit's directives are found" test "$(grep -c '^[A-Za-z]*=' "$unit")" -ge 20
for option in ProtectSystem ProtectHome PrivateTmp PrivateDevices PrivateMounts PrivateNetwork \
  ProtectKernelTunables ProtectKernelModules ProtectKernelLogs ProtectControlGroups ProtectClock \
  ProtectProc ProtectHostname ReadOnlyPaths InaccessiblePaths TemporaryFileSystem BindPaths \
  CapabilityBoundingSet SystemCallFilter DynamicUser User MemoryDenyWriteExecute; do
  check "the unit has no $option= (docs/install.md says why)" \
    bash -c "! grep -q '^$option=' '$unit'"
done

# --- Type=notify, against a notification socket of the test's own ---------
cat >"$work/listen.py" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a", buffering=1) as out:
    while True:
        out.write(s.recv(4096).decode().replace("\n", " | ") + "\n")
EOF
python3 "$work/listen.py" "$work/notify.sock" "$work/notify.txt" &
pids+=($!)
wait_for 50 test -S "$work/notify.sock"

cat >"$work/site.yaml" <<YAML
site: unit
hosts:
  here: {address: 127.0.0.1, self: true}
checks:
  true: {kind: command, command: ["true"]}
exporter:
  listen: 127.0.0.1:0
runbooks:
  runs: $work/runs
  control: $work/run/control.sock
  inline:
    long:
      phases:
        - name: only
          steps:
            - run: {on: self, command: "echo started >> $work/step.count; sleep 60 & echo \$! > $work/step.pid; wait", timeout: 5m}
YAML
# A run interrupted for good: its process killed by SIGKILL mid-step (as
# when top1 loses power), its step's command ended by the test.
"$gl" -c "$work/site.yaml" runbook exec long --yes >"$work/exec.out" 2>&1 </dev/null &
exec_pid=$!
pids+=("$exec_pid")
check "the run's step started" wait_for 100 test -s "$work/step.pid"
kill -9 "$exec_pid"
wait "$exec_pid" 2>/dev/null
kill -9 "$(cat "$work/step.pid")"
runs=("$work"/runs/long-*)
run=$(basename "${runs[0]}")
check "a run was journaled ($run)" test -n "$run"

NOTIFY_SOCKET=$work/notify.sock "$gl" -c "$work/site.yaml" serve >"$work/serve.out" 2>&1 &
serve=$!
pids+=("$serve")
check "serve tells READY=1 ($(cat "$work/notify.txt" 2>/dev/null))" wait_for 100 grep -q '^READY=1' "$work/notify.txt"
check "STATUS= names the interrupted run" grep -q "STATUS=.*run $run is interrupted" "$work/notify.txt"
check "serve logs the interrupted run and that it does not resume it ($(cat "$work/serve.out"))" \
  grep -q "run $run is interrupted: not resumed by serve: greenlight runbook status $run" "$work/serve.out"
check "serve made its control socket's directory itself" test -S "$work/run/control.sock"
sleep 1
check "the interrupted step did not run again ($(wc -l <"$work/step.count") start(s))" \
  test "$(wc -l <"$work/step.count")" -eq 1
status=$("$gl" -c "$work/site.yaml" runbook status "$run" 2>&1)
check "the run is still interrupted, waiting for the operator ($status)" grep -q "interrupted" <<<"$status"

kill -HUP "$serve"
check "SIGHUP: RELOADING=1, then READY=1" wait_for 50 \
  bash -c "grep -A1 '^RELOADING=1' '$work/notify.txt' | grep -q '^READY=1'"
kill -TERM "$serve"
wait "$serve"
check "serve exits 0 on SIGTERM" test $? -eq 0
check "SIGTERM: STOPPING=1" grep -q '^STOPPING=1' "$work/notify.txt"

# The runtime directory made by systemd (RuntimeDirectory=, root 0755)
# before serve starts: serve uses it as it is.
rm -rf "$work/run" && mkdir -m 0755 "$work/run"
RUNTIME_DIRECTORY=$work/run "$gl" -c "$work/site.yaml" serve >"$work/serve2.out" 2>&1 &
serve=$!
pids+=("$serve")
check "serve opens its control socket in a runtime directory it did not make" \
  wait_for 100 test -S "$work/run/control.sock"
kill -TERM "$serve"
wait "$serve"
check "and exits 0 on SIGTERM ($(tail -1 "$work/serve2.out"))" test $? -eq 0

echo "$passed passed, $failed failed"
test "$failed" -eq 0
