#!/usr/bin/env bash
# End to end: `greenlight runbook exec restart` executed by greenlight serve
# on the lab cluster's top1 (lab/lab, docs/lab.md), twice on one lab:
#  a. a clean restart (clean_restart.sh): the procedure's order in the
#     journal and on the hosts, the cluster as it was at the end, top1's own
#     poweroff and its boot by its BMC; the run's figures;
#  b. the same runbook with faults injected at their moments and repaired
#     (faulted_restart.sh): a slow peer, a critical record missing, the
#     operator's terminal lost, VMs stuck (one for good: part stuck,
#     stuck_vm.sh), a node lost in the middle of the unmount step and
#     retried on that node alone (part lost, node_lost.sh), GlusterFS
#     clients left (a worker's mount and a VM's), heals pending after the
#     startup, a BMC that does not answer at the islets' power-on (part
#     bmc, bmc_down.sh); serve killed with SIGKILL at a confirmation, in a
#     run step, a gate wait and right after top1's boot (serve_crash.sh).
# Every scenario runs the site's own restart runbook (examples/ocean).
# Asserted from the journal, /api/v1, /metrics and the hosts' own records.
# E2E_FIGURES=FILE appends the clean run's figures and every part's
# duration to FILE. KEEP=1 leaves the lab up. E2E_PARTS="clean stuck
# faulted lost bmc" (the default: all) names the parts to run (stuck, lost
# and bmc are moments of the faulted restart: without faulted they do not run).
# E2E_RECORDS=FOLDER keeps the journals and the hosts' records there (see
# finish); LAB_LOG_LEVEL=debug makes serve on top1 log each reading a gate
# waits on; tests/e2e/gate-timeline FOLDER then prints the power gates
# reading by reading.
set -uo pipefail
parts=" ${E2E_PARTS:-clean stuck faulted lost bmc} "
part() { [[ $parts == *" $1 "* ]]; }
src=${GREENLIGHT_SOURCE_DIR:?}
gl=$(realpath "${GREENLIGHT:?}")
here=$(cd "$(dirname "$0")" && pwd)
source "$src/tests/support/check.sh"
source "$here/lib.sh"
started=$(now_ms)
work=$(mktemp -d /tmp/greenlight-e2e-XXXXXX)
dir=$work/lab
lab=(bash "$src/lab/lab" -d "$dir")
sampler=""
finish() {
  [ -n "$sampler" ] && kill "$sampler" 2>/dev/null
  # E2E_RECORDS=FOLDER: the records to read a run again from, kept there
  # before the lab goes down: the journals (runs/), each host's
  # commands.log, serve's log on top1 (greenlight.log; with
  # LAB_LOG_LEVEL=debug every reading a gate waited on), glusterd's
  # cmd_history.log on top1, the clients' output.
  if [ -n "${E2E_RECORDS:-}" ] && [ -d "$dir" ]; then
    mkdir -p "$E2E_RECORDS"
    cp -a "$dir/runs" "$E2E_RECORDS/" 2>/dev/null
    for log in "$dir"/*/commands.log "$dir/top1/greenlight.log" "$dir/top1/glusterfs-log/cmd_history.log"; do
      [ -f "$log" ] || continue
      mkdir -p "$E2E_RECORDS/$(dirname "${log#"$dir"/}")"
      cp "$log" "$E2E_RECORDS/${log#"$dir"/}"
    done
    cp "$work"/*.out "$E2E_RECORDS/" 2>/dev/null
    echo "records kept in $E2E_RECORDS"
  fi
  if [ -n "${KEEP:-}" ]; then echo "keeping $work (lab: ${lab[*]})"; return; fi
  "${lab[@]}" down >/dev/null 2>&1
  rm -rf "$work"
}
trap finish EXIT

t=$(now_ms)
out=$("${lab[@]}" up --greenlight "$gl" 2>&1); rc=$?
check "lab up (rc $rc, $(($(now_ms) - t)) ms): $(tail -2 <<<"$out")" test "$rc" -eq 0
[ "$rc" -eq 0 ] || exit 1
source "$dir/cluster.env"
export GREENLIGHT_CONFIG=$dir/site/site.yaml
unset GREENLIGHT_CONTROL_SOCKET GREENLIGHT_RUNS_DIR   # serve's, as the lab's site says
wait_for 60 ready
check "serve on top1 is ready" ready

# The shutdown's end, common to both runs: top1 powered itself off (exec
# or attach ended with 4), the workstation powers it on through its BMC,
# its boot starts serve again. Sets boot_after.
power_cycle_top1() {
  local boot_before
  boot_before=$(cat "$dir/top1/boot_id")
  wait_for 30 bash -c "[[ \$(${lab[*]} power top1 status 2>&1) == *off ]]"
  check "$1: top1's chassis is off (its BMC)" grep -q "is off" <<<"$("${lab[@]}" power top1 status 2>&1)"
  check "$1: nothing runs on top1 any more (its process table is empty)" test -z "$(ip netns pids "lab$LAB_ID-top1" 2>/dev/null)"
  check "$1: status says the run waits for top1's boot" grep -q "powered off" <<<"$("$gl" runbook status 2>&1)"
  "${lab[@]}" power top1 on >/dev/null
  wait_for 90 ready
  check "$1: top1's boot started serve again" ready
  boot_after=$(on top1 cat /proc/sys/kernel/random/boot_id)
  check "$1: top1 booted (new boot id)" test "$boot_after" != "$boot_before"
}

vms_before=$(running_vms | tr '\n' ' ')
check "VMs run before the restart ($vms_before)" test "$(wc -w <<<"$vms_before")" -eq 6
part clean && source "$here/clean_restart.sh"
# The faulted restart's moments: serve killed (scenarios 7, 8), stuck VMs
# (4), a node lost (6), a BMC down (11).
source "$here/serve_crash.sh"
source "$here/stuck_vm.sh"
source "$here/node_lost.sh"
source "$here/bmc_down.sh"
part faulted && source "$here/faulted_restart.sh"

durations="e2e: clean restart ${clean_ms:-?} ms, faulted restart ${faulted_ms:-?} ms (of which node lost ${lost_ms:-?} ms, BMC down ${bmc_ms:-?} ms), suite $(($(now_ms) - started)) ms (before down)"
echo "$durations"
[ -n "${E2E_FIGURES:-}" ] && echo "  $durations" >>"$E2E_FIGURES"
echo "e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
