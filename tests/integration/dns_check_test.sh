#!/usr/bin/env bash
# The dns_critical check on the NSS path (getent), with a private hosts file
# (nss_wrapper), inside a network namespace with nothing but loopback: no
# name can be resolved through the machine's resolver, not even by mistake.
set -uo pipefail
gl=${GREENLIGHT:?}
ns=gl-dns$$
work=$(mktemp -d /tmp/greenlight-dns.XXXXXX)
trap 'ip netns del "$ns" 2>/dev/null; rm -rf "$work"' EXIT
ip netns add "$ns"
ip -n "$ns" link set lo up
# nss_wrapper is preloaded only into getent, through the check's `command`
# (which replaces getent in the lookup script), not into greenlight: in a
# sanitized build (make test-sanitize) a library preloaded into greenlight
# would come ahead of the ASan runtime, which then refuses to start; and
# preloading the ASan runtime first would put it into every program
# greenlight starts (sh, timeout, getent), each then checked for leaks it
# does not own. greenlight itself asks NSS for nothing in these tests.
wrapper=$(ls /usr/lib/*/libnss_wrapper.so 2>/dev/null | head -1)
source "$(dirname "$0")/../support/check.sh"
cat >"$work/addresses.yaml" <<'YAML'
addresses:
  gltop[1-2]:
    default: [adm]
    adm: 10.1.0.[1-2]
    critical: True
  glbatch1:
    default: [adm]
    adm: 10.1.3.11
YAML
cat >"$work/site.yaml" <<YAML
hosts:
  gltop1: {self: true}
checks:
  dns:
    kind: dns_critical
    addresses: addresses.yaml
    command: [env, "LD_PRELOAD=$wrapper", "NSS_WRAPPER_HOSTS=$work/hosts", getent]
YAML
run_check() {  # HOSTS-FILE-CONTENT -> check output
  printf '%s\n' "$1" >"$work/hosts"
  ip netns exec "$ns" "$gl" -c "$work/site.yaml" check dns
}
check "nss_wrapper is installed" test -n "$wrapper"
out=$(run_check "10.1.0.1 gltop1 gltop1-adm
10.1.0.2 gltop2 gltop2-adm"); rc=$?
check "every critical name resolves: OK (rc $rc: $out)" test "$rc" -eq 0
out=$(run_check "10.1.0.1 gltop1 gltop1-adm
10.1.0.2 gltop2-adm"); rc=$?
check "a missing critical name is critical (rc $rc)" test "$rc" -eq 2
check "and named ($out)" grep -q "gltop2" <<<"$out"
out=$(run_check "10.1.0.1 gltop1 gltop1-adm
10.9.9.9 gltop2 gltop2-adm"); rc=$?
check "a wrong address is critical and named ($out)" grep -q "10.9.9.9" <<<"$out"
echo "$passed passed, $failed failed"
test "$failed" -eq 0
