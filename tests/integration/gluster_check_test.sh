#!/usr/bin/env bash
# greenlight check against a real GlusterFS 10.3: one glusterd in a network
# namespace created here (10.79.0.1, on a veth pair), a replica-3 volume, a
# FUSE mount. Faults: a brick killed while files are written with the
# self-heal daemon off; repair: start force and self-heal back on. Asserts the
# verdicts of gluster_peers, gluster_volumes, gluster_heal and gluster_clients
# at each stage. Everything started here is stopped here, by PID.
set -uo pipefail
gl=${GREENLIGHT:?}
ns=gl-gt$$
state=$(mktemp -d /tmp/greenlight-gluster.XXXXXX)
addr=10.79.0.1
glusterd_pid=""

source "$(dirname "$0")/../support/check.sh"
in_ns() { nsenter -t "$glusterd_pid" -m -n -u "$@"; }
cleanup() {
  if [[ -n "$glusterd_pid" ]]; then
    in_ns umount -l "$state/mnt" 2>/dev/null
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
  fi
  ip netns del "$ns" 2>/dev/null
  ip link del "${ns}a" 2>/dev/null
  rm -rf "$state"
}
trap cleanup EXIT

ip netns add "$ns"
ip link add "${ns}a" type veth peer name "${ns}b"
ip link set "${ns}b" netns "$ns"
ip -n "$ns" addr add "$addr/24" dev "${ns}b"
ip -n "$ns" link set "${ns}b" up
ip -n "$ns" link set lo up
mkdir -p "$state"/{lib,log,run,mnt,b1,b2,b3}
cp -a /var/lib/glusterd/hooks /var/lib/glusterd/groups "$state/lib/"
printf '127.0.0.1 localhost\n%s gt1\n' "$addr" >"$state/hosts"
: >"$state/resolv.conf"
ip netns exec "$ns" unshare -m -u --propagation private sh -c "
  mount -t tmpfs tmpfs /run && mount --bind '$state/lib' /var/lib/glusterd &&
  mount --bind '$state/log' /var/log/glusterfs && mount --bind '$state/hosts' /etc/hosts &&
  mount --bind '$state/resolv.conf' /etc/resolv.conf && hostname gt1 &&
  exec setsid glusterd -N" >"$state/glusterd.out" 2>&1 &
glusterd_pid=$!
for _ in $(seq 50); do
  in_ns gluster --mode=script pool list >/dev/null 2>&1 && break
  sleep 0.2
done
g() { in_ns gluster --mode=script "$@"; }
g volume create v1 replica 3 "$addr:$state/b1" "$addr:$state/b2" "$addr:$state/b3" force >/dev/null || { echo "cannot create the volume"; cat "$state/glusterd.out"; exit 1; }
g volume start v1 >/dev/null || { echo "cannot start the volume"; exit 1; }
in_ns mount -t glusterfs "$addr:/v1" "$state/mnt" || { echo "cannot mount the volume"; exit 1; }

cat >"$state/site.yaml" <<YAML
site: gluster-test
hosts:
  gt1: {address: $addr, self: true}
checks:
  peers: {kind: gluster_peers, peers: gt1, command: [nsenter, -t, "$glusterd_pid", -m, -n, -u, gluster]}
  volumes: {kind: gluster_volumes, volumes: [v1], command: [nsenter, -t, "$glusterd_pid", -m, -n, -u, gluster]}
  heal: {kind: gluster_heal, volumes: [v1], command: [nsenter, -t, "$glusterd_pid", -m, -n, -u, gluster]}
  clients: {kind: gluster_clients, command: [nsenter, -t, "$glusterd_pid", -m, -n, -u, gluster]}
YAML
status_of() { "$gl" -c "$state/site.yaml" check "$1" | awk -v c="$1" '$1 == c {print $2}'; }
becomes_ok() {  # CHECK SECONDS: polls until the check is OK
  for _ in $(seq "$2"); do
    [[ $(status_of "$1") == OK ]] && return 0
    sleep 1
  done
  echo "  $1 stayed: $(message_of "$1")"
  return 1
}
message_of() { "$gl" -c "$state/site.yaml" check "$1" | awk -v c="$1" '$1 == c {$1=$2=$3=""; print}'; }

out=$("$gl" -c "$state/site.yaml" check peers volumes heal)
check "healthy volume: peers, volumes, heal ok ($out)" test "$(grep -c ' OK ' <<<"$out")" -eq 3
check "a FUSE mount on the host is a client (glusterd counts it as fuse)" test "$(status_of clients)" = CRITICAL
check "the mount is named as fuse" grep -q "1 fuse" <<<"$(message_of clients)"

# No healing at all while the fault lasts: neither the daemon nor clients.
for option in self-heal-daemon data-self-heal metadata-self-heal entry-self-heal; do
  g volume set v1 "cluster.$option" off >/dev/null
done
brick_pid=$(pgrep -f "glusterfsd.*$state/b3" | head -1)
check "found brick 3's process" test -n "$brick_pid"
kill -9 "$brick_pid"
# glusterd restarts a brick only once its old process is gone, and a killed
# brick stays a zombie until init reaps it: wait for that.
for _ in $(seq 100); do [[ -e /proc/$brick_pid ]] || break; sleep 0.1; done
# The mount lives in the glusterd's mount namespace: write from there.
in_ns sh -c "for i in \$(seq 20); do echo entry \$i >'$state/mnt/file'\$i; done"
sleep 1
check "volumes: brick 3 offline is critical ($(message_of volumes))" test "$(status_of volumes)" = CRITICAL
heal_status=$(status_of heal)
check "heal: never OK with a brick down and entries pending (got $heal_status: $(message_of heal))" test "$heal_status" != OK

g volume start v1 force >/dev/null
for _ in $(seq 50); do g volume status v1 2>/dev/null | grep -q "$state/b3 *[0-9]\+ *[0-9]\+ *Y" && break; sleep 0.2; done
check "heal: with every brick back and self-heal off, entries are pending ($(message_of heal))" test "$(status_of heal)" != OK
for option in self-heal-daemon data-self-heal metadata-self-heal entry-self-heal; do
  g volume set v1 "cluster.$option" on >/dev/null
done
g volume heal v1 >/dev/null 2>&1
check "heal: OK once the entries healed" becomes_ok heal 60
check "volumes: OK again" test "$(status_of volumes)" = OK
in_ns umount "$state/mnt"
check "clients: OK when only the self-heal daemon is connected" becomes_ok clients 20
g volume stop v1 >/dev/null
check "volumes: a stopped volume is critical when started is expected" test "$(status_of volumes)" = CRITICAL
echo "$passed passed, $failed failed"
test "$failed" -eq 0
