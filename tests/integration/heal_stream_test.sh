#!/usr/bin/env bash
# The heal check reads a heal listing as it arrives, over SSH (a real
# OpenSSH sshd on loopback) and on greenlight's own host: a listing of
# 300,000 entries (26 MB, over any output cap) is judged from its counts,
# not cut and UNKNOWN; a listing that stops mid-way is UNKNOWN. gluster is
# stood in for by tests/fixtures/gluster/heal-listing-gluster (GlusterFS
# 10.3's XML shape).
set -uo pipefail
gl=${GREENLIGHT:?}
here=$(cd "$(dirname "$0")" && pwd)
listing=${GREENLIGHT_SOURCE_DIR:?}/tests/fixtures/gluster/heal-listing-gluster
source "$here/../support/loopback_sshd.sh"
source "$here/../support/check.sh"
work=$(mktemp -d /tmp/greenlight-heal-stream.XXXXXX)
cleanup() {
  sshd_stop
  rm -rf "$work"
}
trap cleanup EXIT
sshd_start "$work/sshd" || exit 1
known_hosts_for "$KNOWN_HOSTS" 127.0.0.1
cat >"$work/site.yaml" <<YAML
site: heal-stream
hosts:
  vm: {self: true}
  top1: {address: 127.0.0.1, port: $SSHD_PORT}
ssh: {user: root, identity_files: [$CLIENT_KEY], known_hosts: $KNOWN_HOSTS, connect_timeout: 5s}
checks:
  heal-remote: {kind: gluster_heal, host: top1, volumes: [v1], command: [$listing, 100000], timeout: 60s}
  heal-local: {kind: gluster_heal, volumes: [v1], command: [$listing, 100000], timeout: 60s}
  heal-cut-remote: {kind: gluster_heal, host: top1, volumes: [v1], command: [$listing, 100000, 9000000], timeout: 60s}
YAML
for where in remote local; do
  out=$("$gl" -c "$work/site.yaml" check "heal-$where" 2>&1)
  rc=$?
  check "$where: 300,000 entries read whole, a heal pending is a warning, exit 1 (rc $rc: $out)" test "$rc" -eq 1
  check "$where: each brick's count from the listing" \
    grep -q '100000 entries pending on vm:/data/brick1.*100000 entries pending on vm:/data/brick3' <<<"$out"
done
out=$("$gl" -c "$work/site.yaml" check heal-cut-remote 2>&1)
rc=$?
check "a listing cut mid-way over SSH is UNKNOWN, exit 3 (rc $rc: $out)" test "$rc" -eq 3
check "its reason says the listing was cut" grep -q 'truncated' <<<"$out"
echo "$passed passed, $failed failed"
test "$failed" -eq 0
