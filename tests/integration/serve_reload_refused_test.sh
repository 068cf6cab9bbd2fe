#!/usr/bin/env bash
# A reload that serve refuses is logged at error level (it needs an
# operator): SIGHUP with an invalid configuration, and SIGHUP while a run
# executes; a reload accepted afterwards is logged at info level.
set -uo pipefail
source "$(dirname "$0")/../support/serve_port.sh"
source "$(dirname "$0")/../support/check.sh"
gl=${GREENLIGHT:?}
source "$(dirname "$0")/../support/workdir.sh"
serve_pid=
make_workdir reload serve_pid

cat >"$dir/site.yaml" <<EOF
site: lab
hosts:
  here: {self: true}
checks:
  flag: {kind: command, command: [test, -e, $dir/site.yaml], interval: 1h, timeout: 5s}
runbooks:
  runs: runs
  control: control.sock
  inline:
    slow:
      phases:
        - name: long
          steps:
            - run: {on: self, command: "touch $dir/started; while [ ! -e $dir/go ]; do sleep 0.1; done"}
EOF
cp "$dir/site.yaml" "$dir/good.yaml"
export GREENLIGHT_CONFIG=$dir/site.yaml
unset GREENLIGHT_CONTROL_SOCKET  # the site's runbooks: {control:}

"$gl" serve --listen 127.0.0.1:0 >"$dir/serve.out" 2>&1 &
serve_pid=$!
port=$(serve_port "$dir/serve.out" 100)
check "serve listens ($(cat "$dir/serve.out"))" test -n "$port"

# logged COUNT PATTERN: until serve's log has COUNT lines matching PATTERN.
logged() {
  for _ in $(seq 100); do
    [[ $(grep -c -- "$2" "$dir/serve.out") -ge $1 ]] && return 0
    sleep 0.1
  done
  return 1
}

# An invalid configuration: refused, at error level.
sed -i 's/kind: command$/kind: comand/; s/kind: command,/kind: comand,/' "$dir/site.yaml"
kill -HUP "$serve_pid"
check "an invalid configuration is refused" logged 1 'keeping the running configuration'
check "the refusal is an error ($(grep 'keeping the running' "$dir/serve.out"))" \
  grep -q ' error SIGHUP: .* is not valid, keeping the running configuration' "$dir/serve.out"
check "no refusal is a warning" test "$(grep -c ' warning SIGHUP' "$dir/serve.out")" -eq 0

# While a run executes: refused, at error level.
cp "$dir/good.yaml" "$dir/site.yaml"
out=$("$gl" runbook exec slow --yes --detach 2>&1 </dev/null)
check "a run is submitted ($out)" grep -q "detached" <<<"$out"
for _ in $(seq 100); do [[ -e $dir/started ]] && break; sleep 0.1; done
check "its step executes" test -e "$dir/started"
kill -HUP "$serve_pid"
check "a reload while a run executes is refused" logged 1 'not reloaded while a run executes'
check "the refusal is an error ($(grep 'while a run executes' "$dir/serve.out"))" \
  grep -q ' error SIGHUP: run slow-.* executes: the configuration is not reloaded' "$dir/serve.out"
check "still no refusal as a warning" test "$(grep -c ' warning SIGHUP' "$dir/serve.out")" -eq 0

# Once the run ended, the reload is taken, at info level.
touch "$dir/go"
for _ in $(seq 100); do
  grep -q "run-finished" "$dir"/runs/slow-*/journal 2>/dev/null && break
  sleep 0.1
done
for _ in $(seq 50); do
  kill -HUP "$serve_pid"
  logged 1 ' info SIGHUP: reloaded' && break
done
check "after the run, the reload is taken at info level" grep -q ' info SIGHUP: reloaded' "$dir/serve.out"

# Runbooks with errors: serve started with working ones keeps them (a
# reload would leave it taking no run), as config check refuses the file.
cp "$dir/good.yaml" "$dir/site.yaml"
sed -i 's/command: "touch/command: "echo {{ nodes(\x27@nope\x27) }}; touch/' "$dir/site.yaml"
check "config check refuses the runbook's unknown group" bash -c '! "$1" config check >/dev/null 2>&1' _ "$gl"
kill -HUP "$serve_pid"
check "the reload with runbook errors is refused" \
  logged 1 "error SIGHUP: .*site.yaml: the site's runbooks have 1 error(s).*keeping the running configuration"

# A paused run lives in the runs directory: a reload that moves it away is
# refused, so that a second run of the runbook cannot start beside it.
cp "$dir/good.yaml" "$dir/site.yaml"
sed -i "s|while \\[ ! -e $dir/go \\]; do sleep 0.1; done|exit 4|" "$dir/site.yaml"
kill -HUP "$serve_pid"
logged 2 ' info SIGHUP: reloaded'
out=$(printf 'later\n' | "$gl" runbook exec slow --yes 2>&1); rc=$?
check "a failing run, answered later, pauses in serve (rc $rc: $(tail -1 <<<"$out"))" test "$rc" -eq 3
sed -i 's|runs: runs|runs: elsewhere|' "$dir/site.yaml"
kill -HUP "$serve_pid"
check "a reload moving the runs directory from under the paused run is refused" \
  logged 1 "error SIGHUP: .*moves the runs directory from .*runs to .*elsewhere while run slow-.* has not ended"

echo "$passed passed, $failed failed"
test "$failed" -eq 0
