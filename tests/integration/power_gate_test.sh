#!/usr/bin/env bash
# The power check against real BMCs: OpenIPMI ipmi_sim (lab/bmc.sh) read with
# the site's power command (real ipmitool, `chassis power status`), and a
# real ping of each node's address, all inside a network namespace this test
# creates: a node's address is on the namespace's loopback while its chassis
# is on, removed by the BMC's on-power hook when it goes off. A runbook powers
# two nodes off and its gate opens; a node cycled (a reboot instead of a
# poweroff: off for a second, on again) must keep the gate closed until it
# times out, and `greenlight check` says why.
set -uo pipefail
src=${GREENLIGHT_SOURCE_DIR:?}
gl=${GREENLIGHT:?}
bmc="$src/lab/bmc.sh"
source "$(dirname "$0")/../support/check.sh"
source "$(dirname "$0")/../support/bmc.sh"
started=$(date +%s%N)
dir=$(mktemp -d /tmp/greenlight-power-gate-XXXXXX)
ns=glpw$$
ip netns add "$ns" || { echo "FAILED: cannot create a network namespace"; exit 1; }
trap 'bash "$bmc" down "$dir/bmc"; ip netns del "$ns" 2>/dev/null; rm -rf "$dir"' EXIT
[ -n "${KEEP:-}" ] && trap 'bash "$bmc" down "$dir/bmc"; ip netns del "$ns"' EXIT && echo "keeping $dir"
in_ns() { ip netns exec "$ns" "$@"; }
in_ns ip link set lo up
nodes=(node1 node2 node3)
specs=()
for i in 1 2 3; do
  specs+=("node$i=127.0.0.$((40 + i))")
  in_ns ip addr add "10.99.0.$i/32" dev lo
  # The node's "processes": its address answers while it is on.
  mkdir -p "$dir/bmc/node$i"
  printf '#!/bin/sh\nif [ "$1" = 1 ]; then ip addr add 10.99.0.%s/32 dev lo; else ip addr del 10.99.0.%s/32 dev lo; fi\n' \
    "$i" "$i" >"$dir/bmc/node$i/on-power"
  chmod +x "$dir/bmc/node$i/on-power"
done
in_ns bash "$bmc" up "$dir/bmc" "${specs[@]}" || { echo "FAILED: the BMCs did not start"; exit 1; }

cat >"$dir/site.yaml" <<EOF2
site: power
hosts:
  here: {self: true}
  node[1-3]: {address: "10.99.0.[1-3]", bmc: "127.0.0.[41-43]"}
groups:
  compute: node[1-3]
checks:
  power: {kind: power, nodes: "@compute", expect: "on", interval: 1h, timeout: 10s}
power:
  command: ipmitool -I lanplus -H {bmc} -U admin -E -C 3 chassis power {action}
  timeout: 10s
runbooks:
  runs: runs
  inline:
    poweroff:
      gates:
        compute-off:
          checks: [{check: power, expect: "off", nodes: "node[1-2]"}]
          stable_for: 4s
          timeout: 30s
      phases:
        - name: poweroff
          steps:
            - power: {on: "node[1-2]", action: "off"}
          wait_for: [compute-off]
    reboot:
      gates:
        node3-off:
          checks: [{check: power, expect: "off", nodes: node3}]
          stable_for: 4s
          timeout: 12s
      phases:
        - name: poweroff
          steps:
            - power: {on: node3, action: cycle}
          wait_for: [node3-off]
EOF2
export GREENLIGHT_CONFIG=$dir/site.yaml
export IPMI_PASSWORD=lab-bmc
out=$(in_ns "$gl" config check 2>&1); rc=$?
check "the site is valid (rc $rc: $out)" test "$rc" -eq 0

out=$(in_ns "$gl" check power 2>&1); rc=$?
check "all on, all answering: OK (rc $rc: $out)" test "$rc" -eq 0
check "it says so" grep -qF "3 nodes powered on: node1, node2, node3" <<<"$out"

# 1. Powered off by the runbook: the BMCs read off, the addresses are silent.
out=$(in_ns "$gl" runbook exec poweroff --yes 2>&1 </dev/null); rc=$?
echo "$out" >"$dir/poweroff.out"
check "the poweroff run finished (rc $rc)" test "$rc" -eq 0
[ "$rc" -eq 0 ] || cat "$dir/poweroff.out"
check "its gate turned green" grep -q "gate compute-off green after" <<<"$out"
check "node1 is off" test "$(in_ns bash "$bmc" power "$dir/bmc" node1)" = off
out=$(in_ns "$gl" check power 2>&1); rc=$?
check "expect on: critical (rc $rc)" test "$rc" -eq 2
check "naming the chassis off ($out)" grep -qF "node1 chassis off" <<<"$out"

# 2. A reboot instead of a poweroff: the chassis is off for a second, then on
# again. The gate must not open.
out=$(in_ns "$gl" runbook exec reboot --yes 2>&1 </dev/null); rc=$?
echo "$out" >"$dir/reboot.out"
check "the reboot does not pass for an off: the run pauses at the gate (rc $rc)" test "$rc" -eq 3
[ "$rc" -eq 3 ] || cat "$dir/reboot.out"
check "the gate never turned green" test "$(grep -c "gate node3-off green" <<<"$out")" -eq 0
check "the pause says the chassis is on" grep -q "node3 chassis on" <<<"$out"
check "node3 is on" test "$(in_ns bash "$bmc" power "$dir/bmc" node3)" = on

# 3. The address answers while the BMC says off: not off.
in_ns ip addr add 10.99.0.1/32 dev lo
sed -i 's/expect: "on", interval/expect: "off", interval/' "$dir/site.yaml"
out=$(in_ns "$gl" check power 2>&1); rc=$?
check "chassis off but answering is critical (rc $rc)" test "$rc" -eq 2
check "and named ($out)" grep -qF "node1 chassis off, but 10.99.0.1 still answers ping" <<<"$out"

# 4. A BMC that refuses the password: the power is not known.
out=$(IPMI_PASSWORD=wrong in_ns "$gl" check power 2>&1); rc=$?
check "a wrong password is unknown (rc $rc)" test "$rc" -eq 3
check "with ipmitool's reason ($out)" grep -q "node1 power not read: exit 1: .*RMCP+ session" <<<"$out"

bmc_down_checked "$bmc" "$dir/bmc"
elapsed=$((($(date +%s%N) - started) / 1000000))
echo "power gate: $passed passed, $failed failed in ${elapsed} ms"
[ "$failed" -eq 0 ]
