#!/usr/bin/env bash
# The fleet group source when fleetctl answers on another host: `greenlight
# nodeset -e @vm:running` runs the fleet_units check over SSH (a real sshd on
# loopback standing for top1), and an unreachable host is an error naming it,
# never an empty group.
set -uo pipefail
gl=${GREENLIGHT:?}
src=${GREENLIGHT_SOURCE_DIR:?}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../support/loopback_sshd.sh"
work=$(mktemp -d /tmp/greenlight-fleet-remote.XXXXXX)
trap 'sshd_stop; rm -rf "$work"' EXIT
source "$(dirname "$0")/../support/check.sh"
sshd_start "$work/sshd" || exit 1
known_hosts_for "$KNOWN_HOSTS" 127.0.0.41
cat >"$work/fleet.json" <<'JSON'
{"machines": {"9f4c2a1be85d4c8f9a3e0d7b6c5a4f31": {"ip": "10.1.0.1"}},
 "units": {"pcocc-vm-admin1.service": {"machine": "9f4c2a1be85d4c8f9a3e0d7b6c5a4f31", "target": "running"},
           "pcocc-vm-ns1.service": {"machine": "9f4c2a1be85d4c8f9a3e0d7b6c5a4f31", "target": "running"},
           "pcocc-vm-batch1.service": {"machine": "9f4c2a1be85d4c8f9a3e0d7b6c5a4f31", "target": "stopped"}},
 "transition_seconds": 0}
JSON
site() {  # site ADDRESS
  cat <<YAML
hosts:
  admin: {self: true}
  top1: {address: $1}
ssh:
  port: $SSHD_PORT
  identity_files: [$CLIENT_KEY]
  known_hosts: $KNOWN_HOSTS
  connect_timeout: 3s
groups:
  vms: admin1,ns1,batch1
checks:
  vms: {kind: fleet_units, host: top1, vms: "@vms", expect: running,
        command: [env, GREENLIGHT_FLEET_STATE=$work/fleet.json, $src/lab/bin/fleetctl]}
YAML
}
site 127.0.0.41 >"$work/site.yaml"
out=$("$gl" -c "$work/site.yaml" nodeset -e @vm:running 2>&1)
rc=$?
check "@vm:running over SSH answers (rc $rc: $out)" test "$rc" -eq 0
check "@vm:running names the running VMs" test "$out" = "admin1 ns1"
out=$("$gl" -c "$work/site.yaml" nodeset -f @vm:dead 2>&1)
check "@vm:dead names the stopped VM ($out)" test "$out" = "batch1"
out=$("$gl" -c "$work/site.yaml" nodeset -O 'pcocc-vm-%s.service' -e @vm:running -x ns1 2>&1)
check "the procedure's nodeset -O ... -x ns[1-3] ($out)" test "$out" = "pcocc-vm-admin1.service"

# top1 down (nothing listens on 127.0.0.42 at that port... a refused port).
site 127.0.0.41 | sed "s/port: $SSHD_PORT/port: 1/" >"$work/down.yaml"
out=$("$gl" -c "$work/down.yaml" nodeset -e @vm:running 2>&1)
rc=$?
check "an unreachable fleet host is an error (rc $rc)" test "$rc" -ne 0
check "the error names the check and why ($out)" grep -q "vms.*\(refused\|connect\)" <<<"$out"
check "no group printed when the source cannot answer" test -z "$(grep -v -i 'error\|vms' <<<"$out")"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
