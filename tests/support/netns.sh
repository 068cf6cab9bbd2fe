# A network namespace of a shell test's own, with nothing but loopback, and
# the daemons it starts there. Source it, then
#   netns_up NS WORK   creates NS (lo up); on exit, every PID the test added
#                      to `pids` is killed and waited for (its own children
#                      only), NS is deleted and the folder WORK removed.
pids=()
netns_down() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  ip netns del "$netns_name" 2>/dev/null
  rm -rf "$netns_work"
}
netns_up() {
  netns_name=$1 netns_work=$2
  trap netns_down EXIT
  ip netns add "$netns_name"
  ip -n "$netns_name" link set lo up
}
