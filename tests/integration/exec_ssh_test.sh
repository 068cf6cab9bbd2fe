#!/usr/bin/env bash
# greenlight exec against a real OpenSSH sshd on loopback: 20 targets, a
# refused port, unknown and changed host keys (strict, accept-new), a command
# outliving its timeout, a node whose session dies mid-command, a kept session
# that died between two commands (reconnected), output over the cap, -b
# gathering, the exit code rules and Ctrl-C.
set -uo pipefail
gl=${GREENLIGHT:?}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../support/loopback_sshd.sh"
work=$(mktemp -d /tmp/greenlight-exec.XXXXXX)
exec_pid=""
cleanup() {
  [[ -n "$exec_pid" ]] && kill "$exec_pid" 2>/dev/null
  # Remote commands left running by the timeout case, by the PIDs they wrote.
  for f in "$work"/left.*; do [[ -f "$f" ]] && kill "$(cat "$f")" 2>/dev/null; done
  sshd_stop
  rm -rf "$work"
}
trap cleanup EXIT
source "$(dirname "$0")/../support/check.sh"
started=$SECONDS
sshd_start "$work/sshd" || exit 1
known_hosts_for "$KNOWN_HOSTS" 127.0.0.{1..20}
ssh_args=(--port "$SSHD_PORT" --user root -i "$CLIENT_KEY" --known-hosts "$KNOWN_HOSTS" -t 5)
run() {  # run ARGS...: greenlight exec, stdout in $out, stderr in $err, exit code in $rc
  "$gl" exec "${ssh_args[@]}" "$@" >"$work/out" 2>"$work/err"
  rc=$?
  out=$(cat "$work/out")
  err=$(cat "$work/err")
}
# The last octet of the address the client connected to, on the remote side.
node_number='$(echo $SSH_CONNECTION | cut -d" " -f3 | cut -d. -f4)'

run -w '127.0.0.[1-20]' -- echo hello from '$(hostname)'
check "20 nodes answer (rc $rc: $err)" test "$rc" -eq 0
check "one 'node: line' per node" test "$(grep -c '^127\.0\.0\.[0-9]*: hello from ' <<<"$out")" -eq 20
check "no failure summary when all succeed" test -z "$err"

run -w '127.0.0.[1-20]' -b -- echo same
check "-b gathers identical output under one folded node set" \
  grep -qx '127.0.0.\[1-20\] (20)' <<<"$out"
check "-b prints the output once" test "$(grep -c '^same$' <<<"$out")" -eq 1

run -w '127.0.0.[1-3]' -- "exit $node_number"
check "exit code = highest remote exit code (rc $rc)" test "$rc" -eq 3
check "summary by exit code" grep -q 'exit code 2: 127.0.0.2' <<<"$err"
check "summary headline" grep -q '3 of 3 nodes failed' <<<"$err"

dead_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$work/site.yaml" <<EOF
site: lab
hosts:
  ok1: {address: 127.0.0.1, port: $SSHD_PORT}
  dead1: {address: 127.0.0.2, port: $dead_port}
ssh: {user: root, identity_files: [$CLIENT_KEY], known_hosts: $KNOWN_HOSTS, connect_timeout: 5s}
EOF
"$gl" -c "$work/site.yaml" exec -w 'ok1,dead1' -- echo up >"$work/out" 2>"$work/err"
rc=$?
check "a refused port makes the exit code 255 (rc $rc)" test "$rc" -eq 255
check "the configured host still answers" grep -qx 'ok1: up' "$work/out"
check "the refused node is named with its reason" grep -q "dead1: cannot connect to 127.0.0.2 port $dead_port.*refused" "$work/err"
check "summary: connection refused" grep -q 'connection refused: dead1' "$work/err"

# Host keys: unknown refused strictly, accepted and recorded with accept-new,
# a changed key refused even with accept-new.
fresh=$work/fresh_known_hosts
: >"$fresh"
"$gl" exec "${ssh_args[@]}" --known-hosts "$fresh" -w 127.0.0.5 -- true >"$work/out" 2>"$work/err"
rc=$?
check "unknown host key: refused (rc $rc)" test "$rc" -eq 255
check "unknown host key: host and reason named" grep -q "127.0.0.5: \[127.0.0.5\]:$SSHD_PORT: unknown host key" "$work/err"
check "unknown host key: summary" grep -q 'host key refused: 127.0.0.5' "$work/err"
"$gl" exec "${ssh_args[@]}" --known-hosts "$fresh" --accept-new -w '127.0.0.[5-6]' -- true 2>"$work/err"
rc=$?
check "accept-new accepts unknown keys (rc $rc: $(cat "$work/err"))" test "$rc" -eq 0
check "accept-new records them" test "$(grep -c "$(cut -d' ' -f2 <<<"$HOST_KEY_LINE")" "$fresh")" -eq 2
"$gl" exec "${ssh_args[@]}" --known-hosts "$fresh" -w 127.0.0.5 -- true 2>"$work/err"
check "a recorded key passes strictly afterwards" test $? -eq 0
ssh-keygen -q -t ed25519 -N '' -f "$work/other_key"
echo "[127.0.0.7]:$SSHD_PORT $(cut -d' ' -f1,2 "$work/other_key.pub")" >"$work/changed_known_hosts"
"$gl" exec "${ssh_args[@]}" --known-hosts "$work/changed_known_hosts" --accept-new -w 127.0.0.7 -- true >/dev/null 2>"$work/err"
rc=$?
check "a changed key is refused even with accept-new (rc $rc)" test "$rc" -eq 255
check "a changed key is named as such" grep -q '127.0.0.7.*host key CHANGED' "$work/err"

# A command outliving its timeout: the channel is closed after -u.
t0=$SECONDS
run -w '127.0.0.[1-2]' -u 1 -- "echo \$\$ > $work/left.$node_number; exec sleep 30"
check "timeout: exit code 255 (rc $rc)" test "$rc" -eq 255
check "timeout: reported per node" grep -q '127.0.0.1: command timeout after 1s' <<<"$err"
check "timeout: summary" grep -q 'timeout: 127.0.0.\[1-2\]' <<<"$err"
check "timeout: over in seconds, not 30 ($((SECONDS - t0)) s)" test $((SECONDS - t0)) -le 5

# A node whose session dies mid-command: the session process and its monitor
# are killed (by the PIDs the remote shell reports), the other nodes finish.
cat >"$work/drop_session.sh" <<EOF
session=\$1 shell=\$2
monitor=\$(cut -d' ' -f4 /proc/\$session/stat)
sleep 0.5
kill -9 \$session; [ "\$shell" != - ] && kill -9 \$shell
[ "\$monitor" != "$SSHD_PID" ] && kill -9 \$monitor
exit 0
EOF
drop="if [ $node_number = 2 ]; then sh $work/drop_session.sh \$PPID \$\$ </dev/null >/dev/null 2>&1 & fi; sleep 2; echo finished"
t0=$SECONDS
run -w '127.0.0.[1-3]' -u 20 -- "$drop"
check "dropped node: exit code 255 (rc $rc)" test "$rc" -eq 255
check "dropped node: connection lost, named" grep -q '127.0.0.2: connection lost during the command' <<<"$err"
check "dropped node: summary says the connection closed after the command was sent" grep -q 'connection closed: 127.0.0.2' <<<"$err"
check "dropped node: the others finish" test "$(grep -c ': finished$' <<<"$out")" -eq 2
check "dropped node: seen at once, not after the command timeout" test $((SECONDS - t0)) -le 8

# A kept session that died between two commands is reconnected transparently.
between="if [ $node_number = 1 ]; then sh $work/drop_session.sh \$PPID - </dev/null >/dev/null 2>&1 & else sleep 1.5; fi; echo first"
run -w '127.0.0.[1-2]' -c "$between" -c 'echo second'
check "reconnect: both commands succeed everywhere (rc $rc: $err)" test "$rc" -eq 0
check "reconnect: the second command ran on the node whose session died" grep -qx '127.0.0.1: second' <<<"$out"

# Several commands reuse one session per node.
run -w '127.0.0.[1-4]' -c 'echo $PPID' -c 'echo $PPID' -c 'echo $PPID'
check "three commands in one invocation (rc $rc)" test "$rc" -eq 0
check "the three commands ran in the same session on each node" \
  test "$(grep '^127.0.0.3: ' <<<"$out" | sort -u | wc -l)" -eq 1 -a "$(grep -c '^127.0.0.3: ' <<<"$out")" -eq 3

# Output larger than the cap.
run -w 127.0.0.1 --cap 1000 -o json -- "head -c 200000 /dev/zero | tr '\\0' a"
check "over the cap: still exit 0 (rc $rc: $err)" test "$rc" -eq 0
check "over the cap: output cut at the cap and marked truncated" python3 -c '
import json, sys
r = json.loads(sys.argv[1])["results"][0]
assert len(r["stdout"]) == 1000 and set(r["stdout"]) == {"a"}, len(r["stdout"])
assert r["truncated"] is True and "truncated" in r["reason"], r
' "$out"

# Ctrl-C: no new starts, what was gathered is printed.
"$gl" exec "${ssh_args[@]}" -f 2 -w '127.0.0.[1-10]' -- "echo \$\$ > $work/left.int$node_number; exec sleep 20" >"$work/out" 2>"$work/err" &
exec_pid=$!
sleep 1.5
kill -INT "$exec_pid"
t0=$SECONDS
wait "$exec_pid"
rc=$?
exec_pid=""
check "Ctrl-C: exit 130 (rc $rc)" test "$rc" -eq 130
check "Ctrl-C: stops at once ($((SECONDS - t0)) s)" test $((SECONDS - t0)) -le 3
check "Ctrl-C: nodes not started are listed" grep -q 'cannot start: 127.0.0.\[3-10\] (8)' "$work/err"

echo "$passed passed, $failed failed in $((SECONDS - started)) s"
test "$failed" -eq 0
