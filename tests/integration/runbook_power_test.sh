#!/usr/bin/env bash
# greenlight runbook exec driving real BMCs: the lab's OpenIPMI ipmi_sim
# instances (lab/bmc.sh), one per node on port 623 of its own loopback
# address, and the site's power command, real ipmitool with the password in
# IPMI_PASSWORD (-E), as docs/runbooks.md writes it. A runbook reads the
# power status, powers a node set off (one node excluded), waits for a gate
# whose check reads every chassis with ipmitool, powers them on and waits
# again. Then a wrong BMC password: the step fails, the run pauses naming
# host, command and reason, and is aborted; once more, resumed with the
# right password and retry-failed.
set -uo pipefail
src=${GREENLIGHT_SOURCE_DIR:?}
gl=${GREENLIGHT:?}
bmc="$src/lab/bmc.sh"
source "$(dirname "$0")/../support/check.sh"
source "$(dirname "$0")/../support/bmc.sh"
started=$(date +%s%N)
dir=$(mktemp -d /tmp/greenlight-runbook-power-XXXXXX)
# bmc.sh down kills only the ipmi_sim PIDs that bmc.sh up recorded in $dir/bmc.
trap 'bash "$bmc" down "$dir/bmc"; rm -rf "$dir"' EXIT
[ -n "${KEEP:-}" ] && trap 'bash "$bmc" down "$dir/bmc"' EXIT && echo "keeping $dir"

# Four nodes; their BMCs on a random 127.N.61.0/24 so that another copy of
# this test, or another lab, cannot collide with them.
net=127.$((100 + RANDOM % 150)).61
nodes=(node1 node2 node3 node4)
specs=()
for i in 1 2 3 4; do specs+=("node$i=$net.$i"); done
bash "$bmc" up "$dir/bmc" "${specs[@]}" || { echo "FAILED: the lab BMCs did not start"; exit 1; }
# Every chassis change is recorded by the node's on-power hook.
for node in "${nodes[@]}"; do
  printf '#!/bin/sh\necho "$1" >>%s/%s.transitions\n' "$dir" "$node" >"$dir/bmc/$node/on-power"
  chmod +x "$dir/bmc/$node/on-power"
  : >"$dir/$node.transitions"
done
transitions() { tr '\n' ' ' <"$dir/$1.transitions"; }
states() {  # the chassis power of every node, as ipmitool reads it now
  local node out=
  for node in "${nodes[@]}"; do out+="$node=$(bash "$bmc" power "$dir/bmc" "$node") "; done
  echo "${out% }"
}

# What ipmitool reads on every BMC at a point of the run (a step on self
# between phases): observed.NAME holds "node1=on node2=on ...".
cat >"$dir/observe.sh" <<EOF
#!/bin/sh
out=
for node in ${nodes[*]}; do out="\$out\$node=\$(bash $bmc power $dir/bmc \$node) "; done
echo "\${out% }" >$dir/observed.\$1
EOF

cat >"$dir/site.yaml" <<EOF
site: lab
hosts:
  here: {self: true}
  node[1-4]: {bmc: "$net.[1-4]"}
groups:
  compute: node[1-4]
checks:
  compute-off: {kind: command, command: [$src/lab/bin/chassis-power-is, "off", $net.1, $net.2, $net.3], pass_environment: [IPMI_PASSWORD], interval: 1h, timeout: 10s}
  compute-on: {kind: command, command: [$src/lab/bin/chassis-power-is, "on", $net.1, $net.2, $net.3, $net.4], pass_environment: [IPMI_PASSWORD], interval: 1h, timeout: 10s}
power:
  command: ipmitool -I lanplus -H {bmc} -U admin -E -C 3 chassis power {action}
  timeout: 10s
runbooks:
  runs: runs
  inline:
    compute-power:
      description: power status, node4 kept on, the others off then on again
      gates:
        compute-off:
          description: node[1-3] are powered off
          checks: [{check: compute-off}]
          timeout: 20s
        compute-on:
          description: every node is powered on
          checks: [{check: compute-on}]
          timeout: 20s
      phases:
        - name: status
          steps:
            - power: {on: "@compute", action: status}
            - run: {on: self, command: "sh $dir/observe.sh status"}
        - name: power-off
          steps:
            - power: {on: "@compute", exclude: node4, action: "off"}
          wait_for: [compute-off]
        - name: power-on
          steps:
            - run: {on: self, command: "sh $dir/observe.sh power-off"}
            - power: {on: "@compute", exclude: node4, action: "on"}
          wait_for: [compute-on]
        - name: done
          steps:
            - run: {on: self, command: "sh $dir/observe.sh power-on"}
    node1-off:
      phases:
        - name: power-off
          steps:
            - power: {on: node1, action: "off"}
EOF
export GREENLIGHT_CONFIG=$dir/site.yaml
export IPMI_PASSWORD=lab-bmc

out=$("$gl" config check 2>&1); rc=$?
check "the site is valid (rc $rc: $out)" test "$rc" -eq 0
check "all on before the run ($(states))" test "$(states)" = "node1=on node2=on node3=on node4=on"
out=$("$gl" check compute-off 2>&1); rc=$?
check "the off gate's check is red while they are on (rc $rc)" test "$rc" -eq 2
check "it names the chassis still on ($out)" \
  grep -qF "not off: $net.1(on) $net.2(on) $net.3(on)" <<<"$out"

# 1. The run: status, node[1-3] off (node4 excluded), gate, on, gate.
out=$("$gl" runbook exec compute-power --yes 2>&1 </dev/null); rc=$?
echo "$out" >"$dir/exec.out"
check "exec finished (rc $rc)" test "$rc" -eq 0
[ "$rc" -eq 0 ] || cat "$dir/exec.out"
observed() { cat "$dir/observed.$1" 2>/dev/null; }
check "after status: all on ($(observed status))" \
  test "$(observed status)" = "node1=on node2=on node3=on node4=on"
check "after power-off: node[1-3] off, node4 on ($(observed power-off))" \
  test "$(observed power-off)" = "node1=off node2=off node3=off node4=on"
check "after power-on: all on ($(observed power-on))" \
  test "$(observed power-on)" = "node1=on node2=on node3=on node4=on"
check "at the end: all on ($(states))" test "$(states)" = "node1=on node2=on node3=on node4=on"
for node in node1 node2 node3; do
  check "$node went off then on, once ($(transitions $node))" test "$(transitions $node)" = "0 1 "
done
check "node4, excluded, was never powered off or on ($(transitions node4))" \
  test -z "$(transitions node4)"
check "the status step read four chassis" grep -q "node\[1-4\] (4): ok" <<<"$out"
check "the status output is shown" grep -q "Chassis Power is on" <<<"$out"
check "the off step shows its BMC command" grep -qF \
  "power off @compute except node4: ipmitool -I lanplus -H $net.1 -U admin -E -C 3 chassis power off" \
  <<<"$out"
check "the off step ran on three nodes" grep -q "node\[1-3\] (3): ok" <<<"$out"
check "the off gate turned green" grep -q "gate compute-off green after" <<<"$out"
check "the on gate turned green" grep -q "gate compute-on green after" <<<"$out"
check "the password is never shown" test "$(grep -c lab-bmc <<<"$out")" -eq 0

run=$(ls "$dir/runs")
log=$("$gl" runbook log "$run" 2>&1)
echo "$log" >"$dir/log.txt"
in_order() {  # the journal holds these patterns in this order
  local text=$log pattern line
  for pattern in "$@"; do
    line=$(grep -n -m1 -- "$pattern" <<<"$text" | cut -d: -f1)
    [ -n "$line" ] || { echo "  not found after the previous: $pattern"; return 1; }
    text=$(tail -n +$((line + 1)) <<<"$text")
  done
}
check "journal: every phase, step and gate in order" in_order \
  "phase-started *status" "step-started *status/1 *power status @compute on 4 nodes" \
  "step-finished *status/1 *ok on 4 nodes" "phase-finished *status" \
  "phase-started *power-off" "step-started *power-off/1 *power off @compute except node4 on 3 nodes" \
  "step-finished *power-off/1 *ok on 3 nodes" "gate-waiting *power-off/compute-off" \
  "gate-green *power-off/compute-off" "phase-finished *power-off" \
  "phase-started *power-on" "step-started *power-on/2 *power on @compute except node4 on 3 nodes" \
  "step-finished *power-on/2 *ok on 3 nodes" "gate-green *power-on/compute-on" \
  "phase-finished *done" "run-finished"
out=$("$gl" runbook status "$run" 2>&1)
check "status: finished" grep -q "finished" <<<"$out"

# 2. A wrong BMC password: the BMC refuses the session, the step fails, the
# run pauses (rc 3, nobody at the terminal) naming host, command and reason.
out=$(IPMI_PASSWORD=wrong "$gl" runbook exec node1-off --yes 2>&1 </dev/null); rc=$?
echo "$out" >"$dir/wrong.out"
check "a wrong password pauses the run (rc $rc)" test "$rc" -eq 3
check "the pause names host, command and reason" grep -qF \
  "PAUSED: step 1 of phase power-off failed (power off node1): failed on node1 (node1: exit 1: Error: Unable to establish IPMI v2 / RMCP+ session (command: ipmitool -I lanplus -H $net.1 -U admin -E -C 3 chassis power off))" \
  <<<"$out"
check "the choices are offered" grep -q "retry-failed  run the step again on node1 only" <<<"$out"
check "node1 still on" test "$(bash "$bmc" power "$dir/bmc" node1)" = on
check "node1's chassis untouched ($(transitions node1))" test "$(transitions node1)" = "0 1 "
wrong_run=$(ls "$dir/runs" | grep '^node1-off-')
log=$("$gl" runbook log "$wrong_run" 2>&1)
check "journal: the failure with host, reason and command" \
  grep -q "step-failed .*node1: exit 1: Error: Unable to establish IPMI v2 / RMCP+ session (command: ipmitool" \
  <<<"$log"
out=$("$gl" runbook status "$wrong_run" 2>&1)
check "status: paused" grep -q "paused" <<<"$out"
out=$("$gl" runbook abort "$wrong_run" --reason "wrong BMC password" 2>&1); rc=$?
check "abort (rc $rc)" test "$rc" -eq 0
out=$("$gl" runbook status "$wrong_run" 2>&1)
check "status: aborted" grep -q "aborted" <<<"$out"
check "journal: the abort reason" \
  grep -q "run-aborted.*wrong BMC password" <<<"$("$gl" runbook log "$wrong_run" 2>&1)"

# 3. The recovery docs/operator-guide.md gives: the run paused on a wrong
# password, resumed with the right one in the environment, retry-failed.
IPMI_PASSWORD=wrong "$gl" runbook exec node1-off --yes >/dev/null 2>&1 </dev/null
again_run=$(ls "$dir/runs" | grep '^node1-off-' | grep -v "^$wrong_run\$")
out=$(printf 'retry-failed\n' | "$gl" runbook resume "$again_run" --yes 2>&1); rc=$?
echo "$out" >"$dir/again.out"
check "resumed with the right password, retry-failed finishes (rc $rc)" test "$rc" -eq 0
check "node1 powered off by the retry" test "$(bash "$bmc" power "$dir/bmc" node1)" = off
check "node1's chassis: one more change, off ($(transitions node1))" \
  test "$(transitions node1)" = "0 1 0 "
check "node[2-4] untouched" test "$(transitions node2)$(transitions node3)$(transitions node4)" \
  = "0 1 0 1 "

bmc_down_checked "$bmc" "$dir/bmc"

elapsed=$((($(date +%s%N) - started) / 1000000))
echo "runbook power: $passed passed, $failed failed in ${elapsed} ms"
[ "$failed" -eq 0 ]
