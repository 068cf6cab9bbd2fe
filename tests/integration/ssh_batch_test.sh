#!/usr/bin/env bash
# SSH never asks anyone, against a real OpenSSH sshd on loopback: a changed
# host key refuses the host naming the offered and the recorded fingerprints,
# an unknown key is refused under strict checking (nothing recorded), a key
# that needs a passphrase (OpenSSH and PEM formats) and an agent that asks
# its user to confirm are per-host failures with their reason, within the
# connect timeout, even with a terminal to prompt on.
set -uo pipefail
gl=${GREENLIGHT:?}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../support/loopback_sshd.sh"
work=$(mktemp -d /tmp/greenlight-ssh-batch.XXXXXX)
agent_pid=""
cleanup() {
  [[ -n "$agent_pid" ]] && kill "$agent_pid" 2>/dev/null
  [[ -s "$work/askpass.pid" ]] && kill "$(cat "$work/askpass.pid")" 2>/dev/null
  sshd_stop
  rm -rf "$work"
}
trap cleanup EXIT
source "$(dirname "$0")/../support/check.sh"
sshd_start "$work/sshd" || exit 1
fingerprint() { ssh-keygen -lf "$1" | cut -d' ' -f2; }
host_fp=$(fingerprint "$work/sshd/host_key.pub")
# Runs greenlight exec on a terminal (a pty: what OpenSSL would prompt on),
# bounded: rc 124 means it hung. Output (both streams) in $out, seconds in $took.
on_tty() {
  local t0=$SECONDS
  out=$(timeout 30 python3 -c 'import pty, sys; sys.exit(pty.spawn(sys.argv[1:]) >> 8)' \
    "$gl" exec --port "$SSHD_PORT" --user root -t 3 "$@" </dev/null 2>&1)
  rc=$?
  took=$((SECONDS - t0))
}

# 1. A changed host key: both fingerprints named.
ssh-keygen -q -t ed25519 -N '' -f "$work/other_key"
echo "[127.0.0.7]:$SSHD_PORT $(cut -d' ' -f1,2 "$work/other_key.pub")" >"$work/changed"
on_tty -i "$CLIENT_KEY" --known-hosts "$work/changed" -w 127.0.0.7 -- true
check "a changed key refuses the host (rc $rc: $out)" test "$rc" -eq 255
check "it says CHANGED" grep -q "127.0.0.7.*host key CHANGED" <<<"$out"
check "it names the offered fingerprint ($host_fp)" grep -qF "offered $host_fp" <<<"$out"
check "it names the recorded fingerprint and its line" \
  grep -qF "recorded $(fingerprint "$work/other_key.pub") (line 1)" <<<"$out"

# 2. An unknown host under strict checking: refused, nothing recorded.
: >"$work/empty"
on_tty -i "$CLIENT_KEY" --known-hosts "$work/empty" -w 127.0.0.8 -- true
check "an unknown host key is refused (rc $rc: $out)" test "$rc" -eq 255
check "it says unknown and names the offered fingerprint" \
  grep -qF "unknown host key: not in $work/empty (record it, or use host_key_policy accept-new); offered $host_fp" <<<"$out"
check "nothing was recorded" test ! -s "$work/empty"
known_hosts_for "$KNOWN_HOSTS" 127.0.0.{7..9}

# 3. Keys that need a passphrase: a per-host failure, never a prompt.
for format in openssh pem; do
  if [[ $format == pem ]]; then
    ssh-keygen -q -t ecdsa -m PEM -N 'passphrase-never-typed' -f "$work/key-$format"
  else
    ssh-keygen -q -t ed25519 -N 'passphrase-never-typed' -f "$work/key-$format"
  fi
  cat "$work/key-$format.pub" >>"$work/sshd/authorized_keys"
  on_tty -i "$work/key-$format" --known-hosts "$KNOWN_HOSTS" -w 127.0.0.7 -- true
  check "an encrypted $format key fails the host, no hang (rc $rc in $took s: $out)" test "$rc" -eq 255
  check "the $format key is named with the reason" \
    grep -qF "$work/key-$format (it needs a passphrase, and greenlight never asks for one" <<<"$out"
  check "nothing prompted for the $format key" bash -c "! grep -qi 'pass phrase\|passphrase:' <<<\"\$1\"" _ "$out"
done
on_tty -i "$CLIENT_KEY" --known-hosts "$KNOWN_HOSTS" -w 127.0.0.7 -- echo plain key works
check "a key without a passphrase still works (rc $rc: $out)" grep -q "127.0.0.7: plain key works" <<<"$out"

# 4. An agent that asks its user to confirm (ssh-add -c) and whose askpass
#    never answers: the host fails after the connect timeout (3 s).
cat >"$work/askpass" <<EOF
#!/bin/sh
echo \$\$ >"$work/askpass.pid"
exec sleep 600
EOF
chmod +x "$work/askpass"
DISPLAY=:99 SSH_ASKPASS="$work/askpass" SSH_ASKPASS_REQUIRE=force \
  ssh-agent -D -a "$work/agent.sock" >/dev/null 2>&1 &
agent_pid=$!
for _ in $(seq 50); do [[ -S "$work/agent.sock" ]] && break; sleep 0.1; done
export SSH_AUTH_SOCK="$work/agent.sock"
ssh-add -q -c "$CLIENT_KEY" 2>/dev/null
check "the agent holds the key with confirmation" bash -c "ssh-add -l | grep -q greenlight-lab-client"
HOME=$work on_tty --known-hosts "$KNOWN_HOSTS" -w 127.0.0.9 -- true
check "an agent asking for confirmation fails the host (rc $rc in $took s: $out)" test "$rc" -eq 255
check "within the connect timeout, not a hang ($took s)" test "$took" -le 8
check "the reason names the agent" grep -qF "the SSH agent did not answer within 3000 ms" <<<"$out"
check "the askpass was really asked (the agent did wait)" test -s "$work/askpass.pid"
unset SSH_AUTH_SOCK
echo "$passed passed, $failed failed"
test "$failed" -eq 0
