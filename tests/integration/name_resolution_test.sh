#!/usr/bin/env bash
# The name_resolution check against a real resolver made slow for real: in a
# network namespace with nothing but loopback, a dnsmasq 2.90 publishes the
# peers' names and a relay (dns_delay_relay.py) in front of it on
# 127.0.0.53:53 answers at once, late, or not at all. greenlight runs in a
# mount namespace of its own where /etc/hosts (gltop1 only), /etc/resolv.conf
# (that relay, timeout 1 s) and /etc/nsswitch.conf (hosts: files dns) are
# bind-mounted: nothing reaches the machine's resolver. Names sit on loopback
# addresses, so fping of the same names shows RTTs that stay green while
# their resolution is slow. Daemons are stopped by PID.
set -uo pipefail
gl=${GREENLIGHT:?}
here=$(cd "$(dirname "$0")" && pwd)
ns=gl-nres$$
work=$(mktemp -d /tmp/greenlight-name-resolution.XXXXXX)
source "$here/../support/netns.sh"
netns_up "$ns" "$work"
source "$here/../support/check.sh"

printf '127.0.0.1 localhost\n127.0.1.1 gltop1\n' >"$work/hosts"
printf '127.0.1.1 gltop1\n127.0.1.2 gltop2\n127.0.1.3 gltop3\n' >"$work/dns-hosts"
printf 'nameserver 127.0.0.53\noptions timeout:1 attempts:1\n' >"$work/resolv.conf"
printf 'hosts: files dns\n' >"$work/nsswitch.conf"
echo 0 >"$work/delay"
ip netns exec "$ns" dnsmasq --no-daemon --conf-file=/dev/null --no-resolv --no-hosts \
  --addn-hosts="$work/dns-hosts" --listen-address=127.0.0.54 --bind-interfaces --port=5353 \
  >"$work/dnsmasq.log" 2>&1 &
pids+=($!)
ip netns exec "$ns" python3 "$here/dns_delay_relay.py" 127.0.0.53:53 127.0.0.54:5353 \
  "$work/delay" >"$work/relay.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do
  ip netns exec "$ns" dig @127.0.0.53 +short +time=1 +tries=1 gltop2 2>/dev/null | grep -q 127.0.1.2 && break
  sleep 0.1
done

cat >"$work/site.yaml" <<'YAML'
hosts:
  gltop1: {self: true}
checks:
  resolution:
    kind: name_resolution
    names: "gltop[1-3]"
    warning: 300ms
    critical: 600ms
    timeout: 10s
  ping: {kind: fping, targets: "gltop[1-3]", count: 2, rtt_warning: 50ms, rtt_critical: 200ms}
YAML
in_ns() {
  ip netns exec "$ns" unshare -m --propagation private sh -c \
    'mount --bind "$1" /etc/hosts && mount --bind "$2" /etc/resolv.conf &&
     mount --bind "$3" /etc/nsswitch.conf && shift 3 && exec "$@"' \
    sh "$work/hosts" "$work/resolv.conf" "$work/nsswitch.conf" "$@"
}
run_check() { in_ns "$gl" -c "$work/site.yaml" check "$@"; }

check "the relay answers through dnsmasq" \
  bash -c "ip netns exec $ns dig @127.0.0.53 +short +time=1 +tries=1 gltop2 | grep -q 127.0.1.2"

echo 0 >"$work/delay"
start=$(date +%s%N)
out=$(run_check resolution); rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
echo "fast resolver: rc $rc in $ms ms: $out"
check "a fast resolver: OK (rc $rc)" test "$rc" -eq 0
check "every name measured" grep -q "3 names resolved on 1 host" <<<"$out"
check "the check is quick when resolution is ($ms ms)" test "$ms" -lt 3000

echo 900 >"$work/delay"
out=$(run_check resolution); rc=$?
echo "resolver answering after 900 ms: rc $rc: $out"
check "a late resolver is critical (rc $rc)" test "$rc" -eq 2
check "naming exactly the names not in the hosts file, the host, and dns" \
  grep -q "gltop2, gltop3 slow through dns on gltop1 (worst" <<<"$out"
check "the name of the hosts file stays fast" bash -c '! grep -q "gltop1 slow\|gltop1, " <<<"$1"' _ "$out"
start=$(date +%s%N)
out=$(run_check ping); rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
echo "fping meanwhile: rc $rc in $ms ms: $out"
check "plain fping RTTs stay green meanwhile (rc $rc)" test "$rc" -eq 0
check "while fping itself is slow: its names resolve late ($ms ms)" test "$ms" -ge 900

echo drop >"$work/delay"
out=$(run_check resolution); rc=$?
echo "silent resolver: rc $rc: $out"
check "a silent resolver is critical (rc $rc)" test "$rc" -eq 2
check "names unresolved, dns named as the slow source" \
  grep -q "gltop2, gltop3 unresolved on gltop1 (dns slow" <<<"$out"

echo 0 >"$work/delay"
out=$(run_check resolution); rc=$?
echo "fast again: rc $rc: $out"
check "green again once the resolver answers fast (rc $rc)" test "$rc" -eq 0

echo "$passed passed, $failed failed"
test "$failed" -eq 0
