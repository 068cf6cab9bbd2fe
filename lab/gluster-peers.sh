#!/usr/bin/env bash
# GlusterFS peers top1..topN, each with its own glusterd in its own network
# namespace, on one bridge; a trusted pool and replica-N volumes with a brick
# on every peer; and the faults the restart procedure must notice. See
# docs/lab.md. Root only; touches nothing outside the namespaces it creates
# and the lab directory.
#
#   gluster-peers.sh [-d DIR] up [-n PEERS] [--subnet A.B.C] [--volumes "V1 V2"]
#   gluster-peers.sh [-d DIR] down
#   gluster-peers.sh [-d DIR] status
#   gluster-peers.sh [-d DIR] gluster PEER ARGS...   # gluster CLI against PEER's glusterd
#   gluster-peers.sh [-d DIR] exec PEER CMD...       # CMD in PEER's namespace, lab /etc/hosts
#   gluster-peers.sh [-d DIR] fault peer-down PEER    # PEER's processes killed, link down
#   gluster-peers.sh [-d DIR] fault brick-down PEER VOLUME
#   gluster-peers.sh [-d DIR] fault slow PEER MS      # ICMP echo answered after MS
#   gluster-peers.sh [-d DIR] fault loss PEER PERCENT # PERCENT of ICMP echo dropped
#   gluster-peers.sh [-d DIR] repair peer-up PEER | bricks VOLUME | ping PEER
#   gluster-peers.sh [-d DIR] heal off|on VOLUME      # self-heal daemon and client heals
#   gluster-peers.sh [-d DIR] mount VOLUME | umount VOLUME | write VOLUME COUNT
#
# DIR defaults to $GREENLIGHT_LAB_DIR, then /tmp/greenlight-lab.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dir=${GREENLIGHT_LAB_DIR:-/tmp/greenlight-lab}
if [[ ${1:-} == -d ]]; then
  dir=${2:?-d needs a directory}
  shift 2
fi

# shellcheck source=lab/lib/processes.sh
source "$here/lib/processes.sh"

die() {
  echo "gluster-peers: $*" >&2
  exit 1
}
load() {
  [[ -f $dir/lab.env ]] || die "no lab in $dir (run: $0 -d $dir up)"
  # shellcheck source=/dev/null
  source "$dir/lab.env"
}
ns_of() { echo "gl${LAB_ID}-$1"; }
known_peer() { [[ " $LAB_PEERS " == *" $1 "* ]] || die "no peer '$1' in this lab (peers: $LAB_PEERS)"; }
glusterd_pid() {
  local pid
  pid=$(cat "$dir/$1/glusterd.pid" 2>/dev/null) || return 1
  [[ -n $pid && $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) =~ ^[RSD]$ ]] || return 1
  echo "$pid"
}
gluster_on() {
  local peer=$1 pid
  shift
  pid=$(glusterd_pid "$peer") || die "glusterd of $peer is not running"
  nsenter -t "$pid" -m -n -u gluster --mode=script "$@"
}
start_glusterd() {
  local peer=$1 ns
  ns=$(ns_of "$peer")
  ip netns exec "$ns" unshare -m -u --propagation private sh -c "
    mount -t tmpfs tmpfs /run && mount --bind '$dir/$peer/lib' /var/lib/glusterd &&
    mount --bind '$dir/$peer/log' /var/log/glusterfs && mount --bind '$dir/hosts' /etc/hosts &&
    mount --bind '$dir/resolv.conf' /etc/resolv.conf && hostname '$peer' &&
    exec setsid glusterd -N" </dev/null >"$dir/$peer/glusterd.out" 2>&1 &
  echo $! >"$dir/$peer/glusterd.pid"
}
wait_glusterd() {
  for _ in $(seq 100); do
    gluster_on "$1" pool list >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  die "glusterd of $1 did not answer within 10 s (see $dir/$1/glusterd.out)"
}
# Waits until the first peer sees every other peer connected.
wait_pool() {
  local first=${LAB_PEERS%% *} want
  want=$(($(wc -w <<<"$LAB_PEERS") - 1))
  for _ in $(seq 200); do
    [[ $(gluster_on "$first" peer status 2>/dev/null | grep -c '(Connected)') == "$want" ]] && return 0
    sleep 0.1
  done
  die "the pool did not connect within 20 s: $(gluster_on "$first" pool list 2>&1)"
}
wait_bricks() {
  local volume=$1 first=${LAB_PEERS%% *} want
  want=$(wc -w <<<"$LAB_PEERS")
  for _ in $(seq 200); do
    [[ $(gluster_on "$first" volume status "$volume" --xml 2>/dev/null |
      grep -c '<status>1</status>') -ge "$want" ]] && return 0
    sleep 0.1
  done
  die "bricks of $volume not all online within 20 s"
}

cmd_up() {
  local count=3 subnet=10.77.0 volumes="volspoms1 volspoms2"
  while [[ $# -gt 0 ]]; do
    case $1 in
      -n) count=$2; shift 2 ;;
      --subnet) subnet=$2; shift 2 ;;
      --volumes) volumes=$2; shift 2 ;;
      *) die "up: unknown option $1" ;;
    esac
  done
  [[ $count =~ ^[0-9]+$ && $count -ge 1 && $count -le 50 ]] || die "up: -n takes 1..50"
  [[ -e $dir/lab.env ]] && die "a lab is already up in $dir (run: $0 -d $dir down)"
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  local id peers="" i
  id=$(printf '%04x' $((RANDOM % 65536)))
  for i in $(seq "$count"); do peers+="top$i "; done
  cat >"$dir/lab.env" <<ENV
LAB_ID=$id
LAB_SUBNET=$subnet
LAB_PEERS="${peers% }"
LAB_VOLUMES="$volumes"
ENV
  load
  printf '127.0.0.1 localhost\n' >"$dir/hosts"
  for i in $(seq "$count"); do printf '%s.%s top%s\n' "$subnet" "$i" "$i" >>"$dir/hosts"; done
  : >"$dir/resolv.conf"
  local sw
  sw=$(ns_of sw)
  ip netns add "$sw"
  ip -n "$sw" link add br0 type bridge
  ip -n "$sw" link set br0 up
  for i in $(seq "$count"); do
    local peer=top$i ns
    ns=$(ns_of "$peer")
    ip netns add "$ns"
    ip -n "$sw" link add "p$i" type veth peer name eth0 netns "$ns"
    ip -n "$sw" link set "p$i" master br0 up
    ip -n "$ns" addr add "$subnet.$i/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" link set lo up
    mkdir -p "$dir/$peer"/{lib,log,bricks}
    cp -a /var/lib/glusterd/hooks /var/lib/glusterd/groups "$dir/$peer/lib/"
    start_glusterd "$peer"
  done
  for peer in $LAB_PEERS; do wait_glusterd "$peer"; done
  local first=${LAB_PEERS%% *}
  for peer in $LAB_PEERS; do
    [[ $peer == "$first" ]] || gluster_on "$first" peer probe "$peer" >/dev/null
  done
  wait_pool
  for volume in $LAB_VOLUMES; do
    local bricks=()
    for peer in $LAB_PEERS; do bricks+=("$peer:$dir/$peer/bricks/$volume"); done
    local layout=()
    [[ $count -gt 1 ]] && layout=(replica "$count")
    gluster_on "$first" volume create "$volume" "${layout[@]}" "${bricks[@]}" force >/dev/null
    gluster_on "$first" volume start "$volume" >/dev/null
  done
  for volume in $LAB_VOLUMES; do wait_bricks "$volume"; done
  echo "lab up in $dir: peers $LAB_PEERS on $subnet.0/24, volumes $LAB_VOLUMES"
}

cmd_down() {
  [[ -f $dir/lab.env ]] || return 0
  load
  local first=${LAB_PEERS%% *} pid
  if pid=$(glusterd_pid "$first"); then
    for volume in $LAB_VOLUMES; do
      nsenter -t "$pid" -m umount -l "$dir/mnt/$volume" 2>/dev/null || true
    done
  fi
  for peer in $LAB_PEERS; do kill_netns "$(ns_of "$peer")"; done
  for peer in $LAB_PEERS sw; do ip netns del "$(ns_of "$peer")" 2>/dev/null || true; done
  # Only what `up` wrote: DIR itself may hold other things.
  for peer in $LAB_PEERS; do rm -rf "${dir:?}/$peer"; done
  rm -rf "${dir:?}/mnt" "$dir/hosts" "$dir/resolv.conf" "$dir/lab.env"
  rmdir "$dir" 2>/dev/null || true
}

cmd_status() {
  load
  for peer in $LAB_PEERS; do
    local pid
    if pid=$(glusterd_pid "$peer"); then
      echo "$peer: glusterd $pid, namespace $(ns_of "$peer")"
    else
      echo "$peer: glusterd down, namespace $(ns_of "$peer")"
    fi
  done
  local first=${LAB_PEERS%% *}
  gluster_on "$first" pool list 2>&1 || true
}

# CMD runs in PEER's network namespace with the lab's /etc/hosts and an empty
# resolv.conf, so that names never reach the machine's resolver.
cmd_exec() {
  local peer=${1:?exec PEER CMD...}
  shift
  known_peer "$peer"
  exec ip netns exec "$(ns_of "$peer")" unshare -m --propagation private sh -c \
    'mount --bind "$0" /etc/hosts && mount --bind "$1" /etc/resolv.conf && shift && exec "$@"' \
    "$dir/hosts" "$dir/resolv.conf" "$@"
}

ping_normal() {
  local peer=$1 pid
  pid=$(cat "$dir/$peer/responder.pid" 2>/dev/null || true)
  if [[ -n $pid ]]; then
    kill "$pid" 2>/dev/null || true
    wait_gone "$pid" || true
    rm -f "$dir/$peer/responder.pid"
  fi
  ip netns exec "$(ns_of "$peer")" sysctl -q -w net.ipv4.icmp_echo_ignore_all=0
}
ping_answered_by_responder() {
  local peer=$1
  shift
  ping_normal "$peer"
  ip netns exec "$(ns_of "$peer")" sysctl -q -w net.ipv4.icmp_echo_ignore_all=1
  ip netns exec "$(ns_of "$peer")" python3 "$here/bin/ping-responder" "$@" \
    </dev/null >"$dir/$peer/responder.out" 2>&1 &
  echo $! >"$dir/$peer/responder.pid"
  # The raw socket must be open before anyone pings.
  for _ in $(seq 100); do
    grep -q '^ready' "$dir/$peer/responder.out" 2>/dev/null && return 0
    sleep 0.05
  done
  die "the ping responder of $peer did not start: $(cat "$dir/$peer/responder.out")"
}

cmd_fault() {
  local what=${1:?fault peer-down|brick-down|slow|loss ...} peer=${2:?fault needs a peer}
  known_peer "$peer"
  case $what in
    peer-down)
      # Processes first, so that their connections close at once and the
      # pool sees the peer Disconnected immediately; then the link, so that
      # the host stops answering pings too, as a powered-off host would.
      kill_netns "$(ns_of "$peer")"
      rm -f "$dir/$peer/glusterd.pid" "$dir/$peer/responder.pid"
      ip -n "$(ns_of "$peer")" link set eth0 down
      ;;
    brick-down)
      local volume=${3:?brick-down PEER VOLUME} pids
      pids=$(pgrep -f "glusterfsd .*--brick-name $dir/$peer/bricks/$volume( |$)" || true)
      [[ -n $pids ]] || die "no brick process of $volume on $peer"
      # shellcheck disable=SC2086
      kill -9 $pids
      # shellcheck disable=SC2086
      wait_gone $pids || die "brick process $pids did not die"
      ;;
    slow) ping_answered_by_responder "$peer" --delay-ms "${3:?slow PEER MS}" ;;
    loss) ping_answered_by_responder "$peer" --loss-percent "${3:?loss PEER PERCENT}" ;;
    *) die "fault: unknown fault '$what'" ;;
  esac
}

cmd_repair() {
  local what=${1:?repair peer-up|bricks|ping ...} first=${LAB_PEERS%% *}
  case $what in
    peer-up)
      known_peer "${2:?repair peer-up PEER}"
      glusterd_pid "$2" >/dev/null && return 0
      ip -n "$(ns_of "$2")" link set eth0 up
      ip netns exec "$(ns_of "$2")" sysctl -q -w net.ipv4.icmp_echo_ignore_all=0
      start_glusterd "$2"
      wait_glusterd "$2"
      wait_pool
      ;;
    bricks)
      gluster_on "$first" volume start "${2:?repair bricks VOLUME}" force >/dev/null
      wait_bricks "$2"
      ;;
    ping) known_peer "${2:?repair ping PEER}" && ping_normal "$2" ;;
    *) die "repair: unknown repair '$what'" ;;
  esac
}

cmd_heal() {
  local state=${1:?heal off|on VOLUME} volume=${2:?heal off|on VOLUME} first=${LAB_PEERS%% *}
  [[ $state == on || $state == off ]] || die "heal: on or off"
  for option in self-heal-daemon data-self-heal metadata-self-heal entry-self-heal; do
    gluster_on "$first" volume set "$volume" "cluster.$option" "$state" >/dev/null
  done
}

# Mounts live in the first peer's glusterd mount namespace, as a client on
# that hypervisor would.
cmd_mount() {
  local action=$1 volume=${2:?$1 VOLUME} first=${LAB_PEERS%% *} pid
  pid=$(glusterd_pid "$first") || die "glusterd of $first is not running"
  case $action in
    mount)
      mkdir -p "$dir/mnt/$volume"
      nsenter -t "$pid" -m -n -u mount -t glusterfs "$first:/$volume" "$dir/mnt/$volume"
      ;;
    umount) nsenter -t "$pid" -m -n -u umount "$dir/mnt/$volume" ;;
    write)
      local count=${3:?write VOLUME COUNT}
      nsenter -t "$pid" -m -n -u sh -c \
        'i=0; while [ $i -lt "$1" ]; do i=$((i+1)); echo "entry $i" >"$0/file$i"; done' \
        "$dir/mnt/$volume" "$count"
      ;;
  esac
}

[[ $(id -u) == 0 ]] || die "needs root (network namespaces, mounts)"
command=${1:-}
[[ $# -gt 0 ]] && shift
case $command in
  up) cmd_up "$@" ;;
  down) cmd_down ;;
  status) cmd_status ;;
  gluster)
    load
    known_peer "${1:?gluster PEER ARGS...}"
    peer=$1
    shift
    pid=$(glusterd_pid "$peer") || die "glusterd of $peer is not running"
    exec nsenter -t "$pid" -m -n -u gluster "$@"
    ;;
  exec) load && cmd_exec "$@" ;;
  fault) load && cmd_fault "$@" ;;
  repair) load && cmd_repair "$@" ;;
  heal) load && cmd_heal "$@" ;;
  mount | umount | write) load && cmd_mount "$command" "$@" ;;
  *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2 && exit 2 ;;
esac
