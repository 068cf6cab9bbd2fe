# shellcheck shell=bash disable=SC2154,SC2034
# Scenario 1 (happy path) and 8 (top1's own poweroff and its boot by its
# BMC, the run going on with the startup after `resume`), sourced by
# restart_test.sh. Sets clean_ms.
hypervisors=(top1 top2 top3 worker01 worker02)
islets=(islet01 islet02)
physical=("${hypervisors[@]}" "${islets[@]}")
# On top1 (self) greenlight runs a step's command itself, not over SSH: the
# hosts record only what came over SSH or through a stand-in (systemctl,
# poweroff, fleetctl), so top1's umount leaves no record, and its
# `systemctl start fleet` reads as the one of its boot.
others=(top2 top3 worker01 worker02 "${islets[@]}")
phases="preflight stop-vms stop-dns-vms poweroff-islet-workers unmount-glusterfs stop-volumes
stop-glusterfs poweroff-hypervisors poweroff-self power-on-hypervisors check-peers start-volumes
heal-volumes power-on-islet-workers start-fleet start-dhcp-vms start-dns-vms start-remaining-vms validate"

samples=$work/serve.samples
serve_sampler "$samples" &
sampler=$!
since=$(now_ms)
clean_started=$since
# The preflight's manual step and the two confirmations.
# Every client has a deadline: a run that waits for an answer nobody gives
# fails the test with the lab removed, not at ctest's timeout.
printf 'done\ny\ny\n' | timeout -k 10 600 "$gl" runbook exec restart --yes >"$work/clean.exec.out" 2>&1
rc=$?
check "clean: exec through serve ends as top1 powers itself off (rc $rc)" test "$rc" -eq 4
[ "$rc" -eq 4 ] || tail -20 "$work/clean.exec.out"
run=$(newest_run restart)
journal=$(journal_of "$run")
check "clean: journal: top1's own poweroff recorded" test -n "$(record "$journal" self-poweroff poweroff-self)"
shutdown_cpu=$(serve_figures "$samples")
power_cycle_top1 clean
timeout -k 10 900 "$gl" runbook resume "$run" --yes </dev/null >"$work/clean.resume.out" 2>&1
rc=$?
clean_ms=$(($(now_ms) - clean_started))
check "clean: resume finishes the run (rc $rc)" test "$rc" -eq 0
[ "$rc" -eq 0 ] || tail -20 "$work/clean.resume.out"
check "clean: resume saw top1 come back" grep -q "this host powered off and came back up" "$work/clean.resume.out"
kill "$sampler" 2>/dev/null
sampler=""

# The journal: every phase in the procedure's order, each finished before
# the next started, then the run.
order=$(awk -F'\t' '$3 == "phase-started" { print $4 }' "$journal" | tr '\n' ' ')
check "clean: journal: the phases in the procedure's order ($order)" test "$(echo $order)" = "$(echo $phases)"
nested=$(awk -F'\t' '$3 == "phase-started" { if (open != "") print "overlap " open; open = $4 }
  $3 == "phase-finished" { if ($4 != open) print "finished " $4 " while " open; open = "" }' "$journal")
check "clean: journal: each phase finished before the next started $nested" test -z "$nested"
check "clean: journal: run-finished" test -n "$(record "$journal" run-finished)"
check "clean: journal: no step failed, none skipped" test -z "$(awk -F'\t' '$3 ~ /step-failed|step-skipped|gate-timed-out/' "$journal")"
check "clean: runbook log verifies the journal" "$gl" runbook log "$run" >/dev/null

# The hosts' own records: what each received, in the procedure's order, each
# inside its phase's window in the journal, and never twice.
window() { awk -F'\t' -v p="$1" '$3 == "phase-started" && $4 == p { s = $2 } $3 == "phase-finished" && $4 == p { f = $2 } END { print s, f }' "$journal"; }
previous=$since
in_order() {   # in_order PHASE PATTERN HOST...: on every HOST, its own first record after the previous step, inside PHASE
  local phase=$1 pattern=$2 at start end host latest=$previous
  shift 2
  read -r start end <<<"$(window "$phase")"
  for host in "$@"; do
    # greenlight's own host (self) runs its steps' commands itself: only
    # the stand-ins record them there (systemctl, not ssh systemctl).
    if [ "$host" = top1 ] && [ "${pattern#ssh }" != "$pattern" ]; then at=$(first_at "$previous" $'\t'"${pattern#ssh }" top1); else
      at=$(first_at "$previous" "$pattern" "$host"); fi
    check "clean: hosts: '$pattern' seen on $host (at ${at:-never}) inside phase $phase [$start, $end], after the previous step ($previous)" \
      test -n "$at" -a "${at:-0}" -ge "${start:-1}" -a "${at:-0}" -le "${end:-0}" -a "${at:-0}" -ge "$previous"
    [ -n "$at" ] && [ "$at" -gt "$latest" ] && latest=$at
  done
  previous=$latest   # the next step comes after every host's record of this one
}
in_order stop-vms 'fleetctl stop --no-block pcocc-vm-admin1.service pcocc-vm-batch1.service pcocc-vm-infra1.service pcocc-vm-infra2.service$' top1
in_order stop-dns-vms 'fleetctl stop --no-block pcocc-vm-ns1 pcocc-vm-ns2$' top1
in_order poweroff-islet-workers 'ssh poweroff$' "${islets[@]}"
in_order unmount-glusterfs 'ssh umount -a -t fuse.glusterfs$' top2 top3 worker01 worker02
in_order stop-volumes 'volume stop volspoms1' top1
in_order stop-volumes 'volume stop volspoms2' top1
in_order stop-glusterfs 'systemctl stop glusterd$' "${hypervisors[@]}"
in_order stop-glusterfs 'ssh pkill glusterfsd$' top2 top3 worker01 worker02
in_order poweroff-hypervisors 'ssh poweroff$' top2 top3 worker01 worker02
in_order poweroff-self $'\tpoweroff $' top1
booted=$(first_at "$previous" 'systemctl start sshd$' top2 top3 worker01 worker02)
read -r start end <<<"$(window power-on-hypervisors)"
check "clean: hosts: the hypervisors booted during power-on-hypervisors ($booted in [$start, $end])" \
  test -n "$booted" -a "${booted:-0}" -ge "${start:-1}" -a "${booted:-0}" -le "${end:-0}"
previous=${booted:-$previous}
in_order start-volumes 'volume start volspoms1' top1
in_order start-volumes 'volume start volspoms2' top1
in_order heal-volumes 'volume heal volspoms1' top1
in_order heal-volumes 'volume heal volspoms2' top1
in_order power-on-islet-workers 'systemctl start sshd$' "${islets[@]}"
in_order start-fleet 'ssh systemctl start fleet$' "${others[@]}"
in_order start-dhcp-vms 'fleetctl start --no-block pcocc-vm-infra1 pcocc-vm-infra2$' top1
in_order start-dns-vms 'fleetctl start --no-block pcocc-vm-ns1 pcocc-vm-ns2$' top1
in_order start-remaining-vms 'fleetctl start --no-block pcocc-vm-admin1.service pcocc-vm-batch1.service$' top1
for pattern in 'volume stop volspoms1$' 'volume stop volspoms2$' 'volume start volspoms1$' 'volume start volspoms2$' 'fleetctl stop'; do
  n=$(count_of "$since" "$pattern" top1)
  check "clean: hosts: '$pattern' carried out once on top1 ($n)" test "$n" -eq "$([ "$pattern" = 'fleetctl stop' ] && echo 2 || echo 1)"
done
check "clean: hosts: no command of the procedure ran twice on any host $(twice "$since")" test -z "$(twice "$since")"
# Each physical host powered on once by its BMC in the startup (its BMC's
# own record): the hypervisors by power-on-hypervisors, the islets by
# power-on-islet-workers, top1 from the workstation.
self_off=$(record "$journal" self-poweroff | cut -f1)
for host in "${physical[@]}"; do
  n=$(count_of "${self_off:-$since}" '^bmc chassis power 1$' "$host")
  check "clean: hosts: $host's BMC powered it on once in the startup ($n)" test "$n" -eq 1
done
# ... from one ipmitool each: the power steps' commands in the journal.
powered=$(awk -F'\t' '$3 == "step-process" && $4 ~ /^power-on-/' "$journal" | grep -o 'node=[^ ]*' | sort | uniq -c | awk '{ printf "%s:%s ", $2, $1 }')
check "clean: journal: one power command per host ($powered)" \
  test "$powered" = "node=islet01:1 node=islet02:1 node=top2:1 node=top3:1 node=worker01:1 node=worker02:1 "
for host in "${physical[@]}"; do
  n=$(count_of "$since" '^ssh poweroff$' "$host")
  [ "$host" = top1 ] && expected=0 || expected=1
  check "clean: hosts: $host received poweroff over SSH $expected time(s) ($n)" test "$n" -eq "$expected"
done

# The cluster as it was: every VM running again, volumes started and healed,
# every peer connected, DNS answering from the ns VMs.
vms_after=$(running_vms | tr '\n' ' ')
check "clean: every VM that ran before runs again ($vms_after)" test "$vms_after" = "$vms_before"
info=$(on top1 gluster volume info 2>&1)
check "clean: both volumes started (gluster volume info on top1)" test "$(grep -c '^Status: Started' <<<"$info")" -eq 2
for volume in volspoms1 volspoms2; do
  heal=$(on top1 gluster volume heal "$volume" info 2>&1)
  check "clean: $volume healed, every brick connected ($(grep -c 'Number of entries: 0' <<<"$heal") bricks at 0)" \
    test "$(grep -c 'Number of entries: 0' <<<"$heal")" -eq 3 -a "$(grep -c 'Status: Connected' <<<"$heal")" -eq 3
done
peers=$(on top1 gluster peer status 2>&1)
check "clean: all 4 other peers connected (gluster peer status on top1)" test "$(grep -c 'Peer in Cluster (Connected)' <<<"$peers")" -eq 4
nameservers=$(awk '$1 == "nameserver" { print $2 }' "$dir/etc/resolv.conf")
check "clean: the hosts' resolv.conf names the two DNS VMs ($(echo $nameservers))" test "$(wc -w <<<"$nameservers")" -eq 2
for address in $nameservers; do
  answer=$(on top1 dig +short +time=2 +tries=1 "@$address" admin1 2>&1)
  check "clean: the DNS VM at $address answers (admin1: $answer)" grep -Eq '^[0-9.]+$' <<<"$answer"
done

# scenario 8: top1's own poweroff, its boot by its BMC, the startup after resume.
check "clean: journal: poweroff-self finished after top1's boot" test -n "$(record "$journal" phase-finished poweroff-self)"
check "clean: journal: the run resumed" test -n "$(record "$journal" run-resumed)"
check "clean: top1 recorded its boot after its poweroff" test -n "$(first_at "$(cut -f1 <<<"$(record "$journal" self-poweroff)")" 'systemctl start greenlight$' top1)"

# /api/v1 and /metrics of the new serve.
runs=$(api /api/v1/runs)
check "clean: /api/v1/runs: the run is done" /usr/bin/python3 -c '
import json, sys
run = [r for r in json.loads(sys.argv[1])["runs"] if r["id"] == sys.argv[2]]
sys.exit(0 if run and run[0]["state"] in ("done", "finished") else 1)' "$runs" "$run"
metrics=$(api /metrics)
check "clean: /metrics: validate's phase done" \
  grep -q "^greenlight_run_phase_state{run=\"$run\",runbook=\"restart\",phase=\"validate\",state=\"done\"} 1$" <<<"$metrics"
check "clean: /metrics: no run active" grep -Eq '^greenlight_runs_active(\{[^}]*\})? 0$' <<<"$metrics"
# A gate's own variant of a check (dns-vms-running's fleet-units with its
# expect and VMs) is a check of its own in /metrics and /api/v1/checks,
# under the name the gate reads it by, green at the end.
check "clean: /metrics: the startup gates' variant of fleet-units under its own name, OK" \
  grep -Eq '^greenlight_check_status\{.*check="fleet-units\{expect=running.*\} 0$' <<<"$metrics"
check "clean: /api/v1/checks: the same variant, OK" /usr/bin/python3 -c '
import json, sys
names = [c for c in json.loads(sys.argv[1])["checks"] if c["check"].startswith("fleet-units{expect=running")]
sys.exit(0 if names and all(c["status"] == "OK" for c in names) else 1)' "$(api /api/v1/checks)"

# Figures: total, greenlight's own share, gate latency, serve's RSS and CPU.
summary=$(/usr/bin/python3 "$src/lab/bin/run-summary" "$journal" | tail -1)
latency=$(/usr/bin/python3 "$here/gate-latency" "$journal")
share=$(grep -o 'greenlight [0-9.]* s ([0-9.]* %)' <<<"$summary")
p99=$(awk '{ for (i = 1; i < NF; i++) if ($i == "p99") print $(i + 1) }' <<<"$latency")
check "clean: greenlight's own share under 5 % ($share)" awk -v s="$(grep -o '[0-9.]* %' <<<"$share")" 'BEGIN { exit !(s != "" && s + 0 < 5) }'
check "clean: gate latency p99 under 1 s ($latency)" test "${p99:-99999}" -lt 1000
# Gate latency from the hosts' side, where a host records the moment the
# gate's condition became true: from then to the next phase's first step
# (its start when a require gate comes first), less the gate's stable_for.
# Every gate whose whole condition the hosts record: VMs down and up (the
# fleet agent, in each VM's record), machines off (their BMC's record, then
# the lab's of their link going down) and on (their BMC's record, then the
# lab's of their link coming up: the power gates' condition is the BMC's
# chassis and the address answering, not a service of the host), the
# volumes' commands (glusterd's cmd_history) and the clients' unmount. Not
# the preflight's three and the startup's require gates (their conditions
# hold before the wait), nor the heal gate and all-vms-running (their
# conditions, a heal crawl and Prometheus' rule evaluations, leave no record
# on the hosts).
# The condition counts from the end of the step before the gate when that
# comes later: a gate takes evidence only from readings started after the
# run's last action, and a step may still run when its effect is there (a
# power-on step's last ipmitool returning after a host's link came up).
# That time is the step's remote command, not the gate's; the latency from
# the condition alone is printed beside it (third field).
from_host() {   # from_host GATE CONDITION_MS STABLE_MS NEXT_PHASE [phase-started]
  local next waiting step_end condition=$2
  if [ "${5:-}" = phase-started ]; then
    next=$(record "$journal" phase-started "$4" | cut -f1)
  else
    next=$(record "$journal" step-started "$4" 1 | cut -f1)
  fi
  waiting=$(awk -F'\t' -v g="$1" '$3 == "gate-waiting" && $5 == g { print $2; exit }' "$journal")
  step_end=$(awk -F'\t' -v w="${waiting:-0}" '$3 == "step-finished" && $2 <= w { e = $2 } END { print e }' "$journal")
  [ -n "$condition" ] && [ -n "$step_end" ] && [ "$step_end" -gt "$condition" ] && condition=$step_end
  [ -n "$condition" ] && [ -n "$next" ] && echo "$1 $((next - condition - $3)) $((next - $2 - $3))"
}
off=$(record "$journal" self-poweroff | cut -f1)
others=(top2 top3 worker01 worker02)
host_latency=$(
  from_host vms-stopped-except-dns "$(last_at "$since" 'fleet-agent down' admin1 batch1 infra1 infra2)" 10000 stop-dns-vms
  from_host all-vms-stopped "$(last_at "$since" 'fleet-agent down' ns1 ns2)" 10000 poweroff-islet-workers
  from_host islet-workers-down "$(last_at "$since" 'bmc chassis power 0|lab link down' "${islets[@]}")" 10000 unmount-glusterfs
  from_host no-glusterfs-clients "$(last_at "$since" 'ssh umount -a' "${hypervisors[@]}")" 10000 stop-volumes
  from_host volumes-stopped "$(first_at "$since" 'volume stop volspoms2$' top1)" 0 stop-glusterfs
  from_host other-hypervisors-down "$(last_at "$since" 'bmc chassis power 0|lab link down' "${others[@]}")" 10000 poweroff-self
  from_host hypervisors-reachable "$(last_at "$off" 'bmc chassis power 1|lab link up' "${others[@]}")" 10000 check-peers phase-started
  from_host volumes-started "$(first_at "$off" 'volume start volspoms2$' top1)" 0 heal-volumes
  from_host islet-workers-reachable "$(last_at "$off" 'bmc chassis power 1|lab link up' "${islets[@]}")" 10000 start-fleet
  from_host dhcp-vms-running "$(last_at "$off" 'fleet-agent up' infra1 infra2)" 0 start-dns-vms
  from_host dns-vms-running "$(last_at "$off" 'fleet-agent up' ns1 ns2)" 0 start-remaining-vms)
echo "$host_latency"
host_p99=$(cut -d' ' -f2 <<<"$host_latency" | sort -n | awk '{ v[NR] = $1 } END { i = int(NR * 0.99 + 0.999); print v[i < 1 ? 1 : i] }')
worst=$(sort -k2 -n <<<"$host_latency" | tail -1 | cut -d' ' -f1,2)
# greenlight's share again, with the time from each measured gate's
# condition holding on the hosts to the next phase counted as greenlight's
# (run-summary counts a gate's whole wait as the cluster's).
run_s=$(grep -o '^run: [0-9.]*' <<<"$summary" | grep -o '[0-9.]*$')
own_s=$(grep -o 'greenlight [0-9.]* s' <<<"$summary" | grep -o '[0-9.]*')
late_ms=$(awk '$2 > 0 { s += $2 } END { print s + 0 }' <<<"$host_latency")
share_hosts=$(awk -v o="${own_s:-0}" -v l="$late_ms" -v r="${run_s:-0}" 'BEGIN { if (r > 0) printf "%.2f", 100 * (o + l / 1000) / r }')
check "clean: greenlight's share, its gates' latency from the hosts included, computed (${share_hosts:-?} %; target under 5 %, a figure)" \
  test -n "${share_hosts:-}"
# Every gate measured, none slower than a regression would make it (3 s:
# a gate that polls in seconds again, a reading that waits for the next
# one). The target, p99 under 1 s, is a figure: printed with the others and
# kept run by run in bench/RESULTS.md (622 to 800 ms), not asserted on a
# loaded machine. The slowest are the power gates: a power-off gate waits
# on the reading in flight when the last link goes down, then one whole
# reading of silent addresses (fping's wait, about 370 ms).
target_met=$([ "${host_p99:-99999}" -lt 1000 ] && echo met || echo "NOT met")
check "clean: gate latency from the hosts' records over $(wc -l <<<"$host_latency") of 11 gates, each under 3 s (p99 $host_p99 ms: the 1 s target $target_met; worst: $worst)" \
  test "$(wc -l <<<"$host_latency")" -eq 11 -a "${worst##* }" -lt 3000
serve=$(serve_figures "$samples")
figures="$(date -u '+%F %H:%M UTC'), tests/e2e/restart_test.sh: clean restart ${clean_ms} ms (exec to end of resume)
  $summary
  gate latency (gate-green to next step, ms): $latency
  gate latency from the hosts' records (condition true, or the step before the gate ended if later, to the next phase's first step, less stable_for, ms; p99 ${host_p99}, the 1 s target ${target_met}): $(awk '{ printf "%s %s%s ", $1, $2, ($3 != $2 ? " (" $3 " from the condition alone)" : "") }' <<<"$host_latency")
  greenlight's share with those latencies counted as its own: ${share_hosts:-?} %
  serve on top1: shutdown $shutdown_cpu; shutdown and startup $serve"
echo "$figures"
[ -n "${E2E_FIGURES:-}" ] && echo "$figures" >>"$E2E_FIGURES"
clean_run=$run
