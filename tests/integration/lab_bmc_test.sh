#!/usr/bin/env bash
# The lab's BMCs (lab/bmc.sh): real OpenIPMI ipmi_sim instances on loopback
# driven by real ipmitool over IPMI 2.0 (lanplus), as runbook power steps
# drive a cluster's BMCs: status, off, on, cycle, the on-power hook that
# stops and starts a lab host, a wrong password refused, and a clean stop.
set -uo pipefail
src=${GREENLIGHT_SOURCE_DIR:?}
work=$(mktemp -d /tmp/greenlight-bmc.XXXXXX)
bmc="$src/lab/bmc.sh"
trap 'bash "$bmc" down "$work/bmc"; rm -rf "$work"' EXIT
source "$(dirname "$0")/../support/check.sh"
ipmi() {  # HOST-ADDRESS ARGS...
  local address=$1; shift
  ipmitool -I lanplus -H "$address" -p 16231 -U admin -P lab-bmc -C 3 "$@"
}

bash "$bmc" up "$work/bmc" top1=127.0.0.31:16231 top2=127.0.0.32:16231 top3=127.0.0.33:16231
check "three BMCs started" test "$(ls "$work"/bmc/*/pid | wc -l)" -eq 3
for host in top1 top2 top3; do
  check "$host powered on at start" test "$(bash "$bmc" power "$work/bmc" $host)" = on
done

# transitions_are HOST WORDS: HOST's hook has seen WORDS ("0 1 "), once
# it ran (the BMC answers first, then runs it).
transitions_are() {
  for _ in $(seq 50); do
    [[ "$(tr '\n' ' ' 2>/dev/null <"$work/$1.transitions")" == "$2" ]] && return 0
    sleep 0.1
  done
  return 1
}
# The hook of top2 stands for its processes: started on power on, gone on
# power off. It takes longer than ipmitool's retry timeout (-N 1 below, as
# the lab's site): the BMC answers before it runs, so ipmitool never sends
# the request again and the host is powered on once.
cat >"$work/bmc/top2/on-power" <<HOOK
#!/bin/sh
sleep 1.5
echo "\$1" >>"$work/top2.transitions"
HOOK
chmod +x "$work/bmc/top2/on-power"

check "power off answered" ipmi 127.0.0.32 chassis power off
check "top2 reads off" test "$(bash "$bmc" power "$work/bmc" top2)" = off
check "top1 untouched" test "$(bash "$bmc" power "$work/bmc" top1)" = on
check "hook saw power off" transitions_are top2 "0 "
started=$(date +%s%N)
check "power on answered, with ipmitool's 1 s retry timeout" ipmi 127.0.0.32 -N 1 -R 2 chassis power on
took=$((($(date +%s%N) - started) / 1000000))
check "... at once, before the hook's 1.5 s ($took ms)" test "$took" -lt 1000
check "top2 reads on" test "$(bash "$bmc" power "$work/bmc" top2)" = on
check "hook saw power on, once" transitions_are top2 "0 1 "

# A cycle goes off, then on again about a second later.
cat >"$work/bmc/top3/on-power" <<HOOK
#!/bin/sh
echo "\$1" >>"$work/top3.transitions"
HOOK
chmod +x "$work/bmc/top3/on-power"
check "power cycle answered" ipmi 127.0.0.33 chassis power cycle
for _ in $(seq 50); do
  [[ "$(tr '\n' ' ' <"$work/top3.transitions" 2>/dev/null)" == "0 1 " ]] && break
  sleep 0.1
done
check "a cycle is off then on" test "$(tr '\n' ' ' <"$work/top3.transitions" 2>/dev/null)" = "0 1 "
check "top3 on after a cycle" test "$(bash "$bmc" power "$work/bmc" top3)" = on

# A wrong password is refused by the BMC, and the host's power is untouched.
out=$(ipmitool -I lanplus -H 127.0.0.31 -p 16231 -U admin -P wrong -C 3 chassis power off 2>&1)
rc=$?
check "wrong password fails" test "$rc" -ne 0
check "wrong password says why" grep -qi "unable to establish\|unauthorized\|password\|RAKP" <<<"$out"
check "top1 still on" test "$(bash "$bmc" power "$work/bmc" top1)" = on

pids=$(cat "$work"/bmc/*/pid)
bash "$bmc" down "$work/bmc"
alive=0
for pid in $pids; do bash "$bmc" running "$pid" && alive=$((alive + 1)); done
check "down stops every ipmi_sim it started" test "$alive" -eq 0

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
