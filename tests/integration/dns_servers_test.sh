#!/usr/bin/env bash
# dns_critical asking DNS servers directly (greenlight resolve, c-ares): two
# real dnsmasq 2.90 servers on loopback, inside a network namespace with
# nothing but loopback (so that nothing can reach the machine's resolver):
# 127.0.0.53:5353 publishes every confiture record right; 127.0.0.54:5353
# lacks one record, gives another a wrong address and one name an extra
# address; nobody listens on 127.0.0.55:5353. The NSS path runs beside it with
# a private hosts file (nss_wrapper). Daemons are stopped by PID.
set -uo pipefail
gl=${GREENLIGHT:?}
ns=gl-dnss$$
work=$(mktemp -d /tmp/greenlight-dns-servers.XXXXXX)
source "$(dirname "$0")/../support/netns.sh"
netns_up "$ns" "$work"
# nss_wrapper is preloaded only into getent, through the check's `command`
# (which replaces getent in the lookup script), not into greenlight: in a
# sanitized build (make test-sanitize) a library preloaded into greenlight
# would come ahead of the ASan runtime, which then refuses to start; and
# preloading the ASan runtime first would put it into every program
# greenlight starts (sh, timeout, getent), each then checked for leaks it
# does not own. greenlight itself asks NSS for nothing in these tests.
wrapper=$(ls /usr/lib/*/libnss_wrapper.so 2>/dev/null | head -1)
source "$(dirname "$0")/../support/check.sh"
started=$SECONDS

cat >"$work/addresses.yaml" <<'YAML'
addresses:
  gltop[1-2]:
    default: [adm]
    adm: 10.1.0.[1-2]
    data: 10.2.0.[1-2]
    critical: True
  glbatch1:
    default: [adm]
    adm: 10.1.3.11
YAML
cat >"$work/good.hosts" <<'HOSTS'
10.1.0.1 gltop1 gltop1-adm
10.2.0.1 gltop1-data
10.1.0.2 gltop2 gltop2-adm
10.2.0.2 gltop2-data
10.1.3.11 glbatch1 glbatch1-adm
HOSTS
cat >"$work/bad.hosts" <<'HOSTS'
10.1.0.1 gltop1 gltop1-adm
10.2.0.9 gltop1-data
10.1.0.2 gltop2
10.2.0.2 gltop2-data
10.1.3.11 glbatch1 glbatch1-adm
10.1.3.12 glbatch1
HOSTS
dnsmasq_on() {  # ADDRESS HOSTS-FILE
  ip netns exec "$ns" dnsmasq --no-daemon --conf-file=/dev/null --no-resolv --no-hosts \
    --addn-hosts="$2" --listen-address="$1" --bind-interfaces --port=5353 \
    --local=/lab/ --domain=lab --expand-hosts >"$work/dnsmasq-$1.log" 2>&1 &
  pids+=($!)
}
dnsmasq_on 127.0.0.53 "$work/good.hosts"
dnsmasq_on 127.0.0.54 "$work/bad.hosts"
# A validating resolver (DNSSEC, the root's trust anchor) in front of the
# good server: its unsigned answers cannot be proven, so it says SERVFAIL.
ip netns exec "$ns" dnsmasq --no-daemon --conf-file=/dev/null --no-resolv --no-hosts \
  --listen-address=127.0.0.56 --bind-interfaces --port=5353 --server=127.0.0.53#5353 \
  --dnssec --dnssec-check-unsigned \
  --trust-anchor=.,20326,8,2,E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D \
  >"$work/dnsmasq-127.0.0.56.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do
  ip netns exec "$ns" dig @127.0.0.53 -p 5353 +short +time=1 +tries=1 gltop1.lab 2>/dev/null | grep -q 10.1.0.1 &&
    ip netns exec "$ns" dig @127.0.0.54 -p 5353 +short +time=1 +tries=1 gltop1.lab 2>/dev/null | grep -q 10.1.0.1 && break
  sleep 0.1
done

cat >"$work/site.yaml" <<YAML
hosts:
  gltop1: {self: true}
checks:
  good: {kind: dns_critical, addresses: addresses.yaml, nss: false, domain: lab, servers: ["127.0.0.53:5353"]}
  both_servers: {kind: dns_critical, addresses: addresses.yaml, nss: false, domain: lab, servers: ["127.0.0.53:5353", "127.0.0.54:5353"]}
  bad_critical_only: {kind: dns_critical, addresses: addresses.yaml, nss: false, domain: lab, servers: ["127.0.0.54:5353"], server_records: critical}
  nobody: {kind: dns_critical, addresses: addresses.yaml, nss: false, domain: lab, servers: ["127.0.0.55:5353"], timeout: 3s}
  nss_and_server:
    kind: dns_critical
    addresses: addresses.yaml
    domain: lab
    servers: ["127.0.0.53:5353"]
    command: [env, "LD_PRELOAD=$wrapper", "NSS_WRAPPER_HOSTS=$work/good.hosts", getent]
YAML
in_ns() {
  ip netns exec "$ns" "$@"
}
run() { in_ns "$gl" -c "$work/site.yaml" check -o json >"$work/last.json"; }
field_of() {
  python3 -c 'import json, sys
for r in json.load(open(sys.argv[1]))["checks"]:
    if r["check"] == sys.argv[2]: print(r[sys.argv[3]])' "$work/last.json" "$1" "$2"
}
is() {  # CHECK STATUS TEXT...: the last run gave that status and every TEXT
  local name=$1 want=$2 got message
  shift 2
  got=$(field_of "$name" status)
  message=$(field_of "$name" message)
  echo "  $name: $got: $message"
  [[ $got == "$want" ]] || { echo "  expected $want"; return 1; }
  for text in "$@"; do
    [[ $message == *"$text"* ]] || { echo "  message lacks '$text'"; return 1; }
  done
}

echo "== greenlight resolve by itself"
out=$(in_ns "$gl" resolve -s 127.0.0.54:5353 -t 2s gltop1-data.lab gltop2-adm.lab glbatch1.lab)
rc=$?
check "resolve exits 1 when a name has no address ($rc)" test "$rc" = 1
check "resolve prints one line per name ($out)" test "$out" = "gltop1-data.lab: 10.2.0.9
gltop2-adm.lab: error: NXDOMAIN
glbatch1.lab: 10.1.3.11 10.1.3.12"
out=$(in_ns "$gl" resolve -s 127.0.0.54:5353 -t 2s outside.example 2>&1)
check "a REFUSED answer is named by its rcode, not as a refused connection ($out)" \
  test "$out" = "outside.example: error: REFUSED"
out=$(in_ns "$gl" resolve -s 127.0.0.56:5353 -t 2s gltop1-data.lab 2>&1)
check "a SERVFAIL answer is named by its rcode ($out)" \
  test "$out" = "gltop1-data.lab: error: SERVFAIL"
out=$(in_ns "$gl" resolve -s 127.0.0.55:5353 -t 2s gltop1-data.lab 2>&1)
check "no server listening is a refused connection ($out)" \
  test "$out" = "gltop1-data.lab: error: connection refused"
check "resolve refuses a server name" test "$("$gl" resolve -s dns1 x 2>&1 >/dev/null; echo $?)" = "greenlight resolve: 'dns1': a DNS server is an IP address (optionally :PORT), not a name
usage: greenlight resolve -s SERVER[:PORT] [-t TIMEOUT] NAME...
2"

echo "== the check"
run
check "good server: every record right" is good OK "8 names right at 1 DNS server"
check "bad server: one missing, one wrong, one extra, each named" is both_servers CRITICAL \
  "gltop1-data.lab at 127.0.0.54:5353 is 10.2.0.9, expected 10.2.0.1" \
  "gltop2-adm.lab missing at 127.0.0.54:5353 (NXDOMAIN)" \
  "glbatch1.lab at 127.0.0.54:5353 also answers 10.1.3.12"
check "the good server is not blamed" test "$(field_of both_servers message | grep -c 127.0.0.53)" = 0
check "critical records only: the extra on a non-critical name is not judged" \
  is bad_critical_only CRITICAL "gltop2-adm.lab missing" "gltop1-data.lab at 127.0.0.54:5353 is 10.2.0.9"
check "critical records only: glbatch1 not mentioned" test "$(field_of bad_critical_only message | grep -c glbatch1)" = 0
check "no server listening: unknown, never green" is nobody UNKNOWN "127.0.0.55:5353 did not answer for any of its 8 names (connection refused)"
check "hosts file and server together" is nss_and_server OK "critical names in the hosts files of gltop1" "8 names right at 1 DNS server"

echo "$passed passed, $failed failed in $((SECONDS - started)) s"
test "$failed" -eq 0
