# shellcheck shell=bash
# Ending the processes of a lab namespace, sourced by lab/lab and
# lab/gluster-peers.sh.

# Waits (up to 10 s) until no process of the list is alive (a zombie counts
# as gone: PID 1 of this machine reaps slowly).
wait_gone() {
  local pid stat alive
  for _ in $(seq 200); do
    alive=0
    for pid in "$@"; do
      # Read by the shell itself: hundreds of PIDs are polled.
      stat=""
      { read -r stat <"/proc/$pid/stat"; } 2>/dev/null || true
      stat=${stat##*) }
      [[ -n $stat && ${stat%% *} != Z && ${stat%% *} != X ]] && alive=1
    done
    [[ $alive == 0 ]] && return 0
    sleep 0.05
  done
  return 1
}
# Kills every process of network namespace NS, by PID, and waits for them.
kill_netns() {
  local pids
  pids=$(ip netns pids "$1" 2>/dev/null || true)
  [[ -z $pids ]] && return 0
  # shellcheck disable=SC2086
  kill -9 $pids 2>/dev/null || true
  # shellcheck disable=SC2086
  wait_gone $pids || echo "lab: processes of $1 still alive: $pids" >&2
}
