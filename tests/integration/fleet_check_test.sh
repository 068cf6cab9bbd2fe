#!/usr/bin/env bash
# The fleet_units check against the lab's fleetctl simulator, following the
# procedure: VMs but DNS stopped with the command the procedure writes, the
# gate "all stopped" red while units deactivate, green once they are dead.
set -uo pipefail
gl=${GREENLIGHT:?}
src=${GREENLIGHT_SOURCE_DIR:?}
work=$(mktemp -d /tmp/greenlight-fleet.XXXXXX)
trap 'rm -rf "$work"' EXIT
export GREENLIGHT_FLEET_STATE="$work/fleet.json"
fleetctl="$src/lab/bin/fleetctl"
source "$(dirname "$0")/../support/check.sh"
/usr/bin/python3 - "$GREENLIGHT_FLEET_STATE" <<'PY'
import json, sys
machines = {"9f4c2a1be85d4c8f9a3e0d7b6c5a4f31": {"ip": "10.1.0.1"},
            "27b1e0c94d3f4a6b8e2c1d0f9a8b7c62": {"ip": "10.1.0.2"},
            "c3d2e1f0a9b84c7d6e5f4a3b2c1d0e93": {"ip": "10.1.0.3"}}
ids = sorted(machines)
vms = ["admin1", "admin2", "batch1", "batch2", "batch3", "auto1", "infra1", "infra2", "ns1", "ns2", "ns3"]
units = {"pcocc-vm-%s.service" % vm: {"machine": ids[i % 3], "target": "running"} for i, vm in enumerate(vms)}
json.dump({"machines": machines, "units": units, "transition_seconds": 2}, open(sys.argv[1], "w"))
PY
cat >"$work/site.yaml" <<YAML
hosts:
  top1: {self: true}
groups:
  vms: admin[1-2],batch[1-3],auto1,infra[1-2],ns[1-3]
  dns: ns[1-3]
checks:
  all-running: {kind: fleet_units, vms: "@vms", expect: running, command: ["$fleetctl"]}
  but-dns-stopped: {kind: fleet_units, vms: "@vms!@dns", expect: stopped, command: ["$fleetctl"]}
  dns-running: {kind: fleet_units, vms: "@dns", expect: running, command: ["$fleetctl"]}
YAML
status_of() { "$gl" -c "$work/site.yaml" check "$1" | awk -v c="$1" '$1 == c {print $2}'; }

check "every VM runs" test "$(status_of all-running)" = OK
out=$("$gl" -c "$work/site.yaml" nodeset -f @vm:running)
check "@vm:running comes from the fleet check ($out)" test "$out" = "admin[1-2],auto1,batch[1-3],infra[1-2],ns[1-3]"
check "the gate 'VMs but DNS stopped' is red before the stop" test "$(status_of but-dns-stopped)" = CRITICAL
# The procedure's own command line, with the fleet group source:
units=$("$gl" -c "$work/site.yaml" nodeset -O pcocc-vm-%s.service -e @vm:running -x 'ns[1-3]')
out=$("$fleetctl" stop --no-block $units)
check "fleetctl stop took the 8 units ($out)" test "$(grep -c '^Triggered unit' <<<"$out")" -eq 8
msg=$("$gl" -c "$work/site.yaml" check but-dns-stopped)
check "deactivating units are not stopped yet ($msg)" grep -q "CRITICAL.*deactivating" <<<"$msg"
sleep 2.5
check "green once every unit is dead" test "$(status_of but-dns-stopped)" = OK
check "DNS VMs still run" test "$(status_of dns-running)" = OK
out=$("$gl" -c "$work/site.yaml" nodeset -f @vm:dead)
check "@vm:dead lists the stopped VMs ($out)" test "$out" = "admin[1-2],auto1,batch[1-3],infra[1-2]"
msg=$("$gl" -c "$work/site.yaml" check all-running)
check "'all running' names what does not run ($msg)" grep -q "8 of 11 units not running" <<<"$msg"
echo "$passed passed, $failed failed"
test "$failed" -eq 0
