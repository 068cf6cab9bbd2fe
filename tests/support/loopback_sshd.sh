# A real OpenSSH sshd on loopback for tests and benchmarks. Source it, then:
#   sshd_start DIR   generates a host key, a client key and authorized_keys in
#                    DIR, starts sshd on a free high port of every 127.0.0.0/8
#                    address (logins from anywhere else are denied), waits until
#                    it answers. Sets SSHD_PORT, SSHD_PID, SSHD_DIR, CLIENT_KEY,
#                    KNOWN_HOSTS (empty file) and HOST_KEY_LINE (key type and
#                    base64, for known_hosts lines).
#   known_hosts_for FILE ADDRESS...   writes FILE with the host key for each
#                    ADDRESS at SSHD_PORT.
#   sshd_stop        kills the sshd this script started, by PID.
# SetEnv SHLVL=1: bash started by sshd sources ~/.bashrc unless it is a nested
# shell; root's .bashrc on a developer machine may run anything (pyenv rehash
# took a lock and stalled 200 parallel logins for a minute), so the remote
# commands run without it.
# MaxStartups and MaxSessions are raised: with OpenSSH's default MaxStartups
# (10:30:100) a 64-wide fan-out loses about a third of its logins.

# shellcheck source=lab/lib/sshd_config.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../lab/lib/sshd_config.sh"

sshd_start() {
  SSHD_DIR=$1
  mkdir -p "$SSHD_DIR" /run/sshd
  ssh-keygen -q -t ed25519 -N '' -C greenlight-lab-host -f "$SSHD_DIR/host_key" || return 1
  ssh-keygen -q -t ed25519 -N '' -C greenlight-lab-client -f "$SSHD_DIR/client_key" || return 1
  cp "$SSHD_DIR/client_key.pub" "$SSHD_DIR/authorized_keys"
  CLIENT_KEY=$SSHD_DIR/client_key
  KNOWN_HOSTS=$SSHD_DIR/known_hosts
  : >"$KNOWN_HOSTS"
  HOST_KEY_LINE=$(cut -d' ' -f1,2 "$SSHD_DIR/host_key.pub")
  SSHD_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  # PidFile must come before any Match block.
  {
    sshd_config "$SSHD_PORT" 0.0.0.0 "$SSHD_DIR/host_key" "$SSHD_DIR/sshd.pid" "$SSHD_DIR/authorized_keys"
    printf 'Match Address *,!127.0.0.0/8\n  DenyUsers *\n'
  } >"$SSHD_DIR/sshd_config"
  /usr/sbin/sshd -D -e -f "$SSHD_DIR/sshd_config" 2>>"$SSHD_DIR/sshd.log" &
  SSHD_PID=$!
  local i
  for i in $(seq 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$SSHD_PORT") 2>/dev/null; then return 0; fi
    kill -0 "$SSHD_PID" 2>/dev/null || break
    sleep 0.05
  done
  echo "sshd did not start:" >&2
  cat "$SSHD_DIR/sshd.log" >&2
  return 1
}

known_hosts_for() {
  local file=$1 address
  shift
  : >"$file"
  for address in "$@"; do
    echo "[$address]:$SSHD_PORT $HOST_KEY_LINE" >>"$file"
  done
}

sshd_stop() {
  if [[ -n "${SSHD_PID:-}" ]]; then
    kill "$SSHD_PID" 2>/dev/null
    wait "$SSHD_PID" 2>/dev/null
    SSHD_PID=""
  fi
}
