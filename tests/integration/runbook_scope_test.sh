#!/usr/bin/env bash
# What one run of the real binary acts on: @vm:running read afresh before
# each step (fleet's listing changes as the steps stop VMs), a step over an
# empty set skipped with the set's name, a gate over the set a step saved,
# --exclude in exec, plan and status, a startup list saved by an earlier run
# (--from-run) or the site's fallback, and `runbook check`. fleetctl is a
# script printing a listing from a state file.
set -uo pipefail
gl=${GREENLIGHT:?}
source "$(dirname "$0")/../support/check.sh"
source "$(dirname "$0")/../support/serve_port.sh"
dir=$(mktemp -d /tmp/greenlight-runbook-scope-XXXXXX)
serve_pid=
trap '[ -n "$serve_pid" ] && kill -9 "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null; rm -rf "$dir"' EXIT
[ -n "${KEEP:-}" ] && trap - EXIT && echo "keeping $dir"

units() {  # units STATE VM... : the listing fleetctl prints from now on
  local state=$1; shift
  : >"$dir/units.new"
  for vm in "$@"; do printf 'pcocc-vm-%s.service\tm1/10.1.0.1\t%s\n' "$vm" "$state" >>"$dir/units.new"; done
  mv "$dir/units.new" "$dir/units"
}
cat >"$dir/fleetctl" <<EOF
#!/bin/sh
cat $dir/units
EOF
cat >"$dir/stop" <<EOF
#!/bin/sh
echo "stop \$*" >>$dir/trace
: >$dir/units.new
for vm in a1 a2; do printf 'pcocc-vm-%s.service\tm1/10.1.0.1\tinactive\tdead\n' "\$vm" >>$dir/units.new; done
mv $dir/units.new $dir/units
EOF
chmod +x "$dir/fleetctl" "$dir/stop"
units "active	running" a1 a2

cat >"$dir/site.yaml" <<EOF
site: lab
hosts:
  here: {self: true}
checks:
  fleet: {kind: fleet_units, vms: "a[1-2]", group_source: vm, command: [$dir/fleetctl], interval: 1h, timeout: 5s}
  flag: {kind: command, command: [test, -e, $dir/flag], interval: 1h, timeout: 5s}
runbooks:
  runs: runs
  control: control.sock   # no serve: every run executes in process
  inline:
    dyn:
      gates:
        acted-stopped:
          description: the VMs the stop step acted on are stopped, no other active
          checks: [{check: fleet, expect: stopped, vms: "@run:before", no_other_active: pcocc-vm-}]
          timeout: 20s
      phases:
        - name: p
          steps:
            - save_group: {name: before, nodes: "@vm:running"}
            - run: {on: self, command: '$dir/stop {{ nodes("@run:before") }}'}
            - save_group: {name: after, nodes: "@vm:running"}
            - run: {on: self, command: 'echo left {{ nodes("@vm:running") }} >> $dir/trace'}
          wait_for: [acted-stopped]
    ex:
      phases:
        - name: p
          steps:
            - run: {on: self, command: 'echo ex {{ nodes("@vm:running") }} >> $dir/trace'}
    st:
      phases:
        - name: start
          steps:
            - save_group: {name: to_start, nodes: "@run:before", fallback: "a9"}
            - run: {on: self, command: 'echo start {{ nodes("@run:to_start") }} >> $dir/trace'}
    ready:
      gates:
        flag-up: {description: the flag file exists, checks: [{check: flag}], timeout: 5s}
        later: {description: VMs stopped, checks: [{check: fleet, expect: stopped, vms: "@run:x"}], timeout: 5s}
      phases:
        - name: pre
          require: [flag-up]
          steps:
            - run: {on: self, command: "true"}
          wait_for: [later]
EOF
export GREENLIGHT_CONFIG=$dir/site.yaml
unset GREENLIGHT_CONTROL_SOCKET

# 1. @vm:running afresh at each step; a step over nothing skipped, named.
out=$("$gl" runbook exec dyn --yes 2>&1 </dev/null); rc=$?
check "dyn finishes (rc $rc)" test "$rc" -eq 0
check "the stop step acted on the running VMs" grep -qx "stop a1 a2" "$dir/trace"
check "no step ran over a stale @vm:running" test "$(grep -c '^left' "$dir/trace")" -eq 0
dyn=$(ls "$dir/runs" | grep '^dyn-')
log=$("$gl" runbook log "$dyn" 2>&1)
check "@run:before holds what ran before the stop" grep -q "step-finished.*@run:before=a\[1-2\]" <<<"$log"
check "@run:after is what fleet says after it: nothing" grep -q "step-finished.*@run:after=\s*$" <<<"$log"
check "the step over the empty set is journaled as skipped, naming it" \
  grep -q "step-skipped.*@vm:running is empty" <<<"$log"
check "the gate over the set the step saved turned green" grep -q "gate acted-stopped green" <<<"$out"
out=$("$gl" runbook status "$dyn" 2>&1)
check "status shows the skipped step and why ($out)" grep -q "step 4 skipped: @vm:running is empty" <<<"$out"

# 2. --exclude: plan, exec, journal, status.
units "active	running" a1 a2
out=$("$gl" runbook plan dyn --exclude a2 2>&1)
check "plan --exclude says so" grep -q "excluding a2 from every step and gate" <<<"$out"
out=$("$gl" runbook exec ex --yes --exclude a2 2>&1 </dev/null); rc=$?
check "ex finishes (rc $rc)" test "$rc" -eq 0
check "the excluded VM is not in the command" grep -qx "ex a1" "$dir/trace"
ex=$(ls "$dir/runs" | grep '^ex-')
log=$("$gl" runbook log "$ex" 2>&1)
check "the exclusion is journaled with who ($log)" \
  grep -q "nodes-excluded.*a2.*by uid $(id -u) ($(id -un)) pid" <<<"$log"
out=$("$gl" runbook status "$ex" 2>&1)
check "status shows the exclusion" grep -q "excluded from every step and gate: a2 by uid" <<<"$out"
out=$("$gl" runbook exec ex --yes --exclude '@nosuch' 2>&1 </dev/null); rc=$?
check "a bad --exclude is refused before the run exists (rc $rc: $out)" test "$rc" -eq 1
check "  and named" grep -q -- "--exclude '@nosuch'" <<<"$out"
check "  no run left behind" test "$(ls "$dir/runs" | grep -c '^ex-')" -eq 1
# A node the site does not know, or a name no host can have ("a1 a2" is one
# name, as ClusterShell reads it), would leave out nothing: refused by exec
# and plan alike, naming it.
out=$("$gl" runbook exec ex --yes --exclude a9 2>&1 </dev/null); rc=$?
check "an --exclude of a node the site does not know is refused (rc $rc: $out)" test "$rc" -eq 1
check "  naming it" grep -q "a9 is not a node of the site" <<<"$out"
out=$("$gl" runbook exec ex --yes --exclude 'a1 a2' 2>&1 </dev/null); rc=$?
check "an --exclude of a name with a space is refused (rc $rc: $out)" test "$rc" -eq 1
check "  saying why" grep -q "no host can have the node name 'a1 a2': it holds a space" <<<"$out"
out=$("$gl" runbook plan dyn --exclude a9 2>&1); rc=$?
check "plan refuses it as exec does (rc $rc: $out)" grep -q "a9 is not a node of the site" <<<"$out"
# A node the runbook itself names (st's fallback a9) is known to it.
out=$("$gl" runbook plan st --exclude a9 2>&1); rc=$?
check "a node named only by the runbook is excluded from it (rc $rc: $out)" grep -q "excluding a9 from every step and gate" <<<"$out"
check "  no run left behind" test "$(ls "$dir/runs" | grep -c '^ex-')" -eq 1
# An empty --exclude (an unset shell variable) would exclude nothing.
for sub in "exec ex --yes" "plan ex"; do
  out=$("$gl" runbook $sub --exclude '' 2>&1 </dev/null); rc=$?
  check "$sub --exclude '' is refused (rc $rc)" test "$rc" -eq 2
  check "  saying why" grep -q -- "--exclude: an empty node set excludes no node" <<<"$out"
done
check "  no run left behind" test "$(ls "$dir/runs" | grep -c '^ex-')" -eq 1
# A dynamic group in --exclude is read when the run starts: plan reads it
# now as exec would, and the dry run shows it, in steps and gates alike.
units "active	running" a1
printf 'pcocc-vm-a2.service\tm1/10.1.0.1\tinactive\tdead\n' >>"$dir/units"
out=$("$gl" runbook plan ex --exclude '@vm:dead' 2>&1); rc=$?
check "plan --exclude @vm:dead reads fleet now, as exec does (rc $rc: $out)" \
  grep -q "excluding a2 from every step and gate" <<<"$out"
out=$("$gl" runbook exec ex --dry-run --exclude '@vm:dead' 2>&1 </dev/null); rc=$?
check "exec --dry-run --exclude @vm:dead: the same (rc $rc: $out)" \
  grep -q "excluded from every step and gate of this run: a2 " <<<"$out"
units "active	running" a1 a2
out=$("$gl" runbook exec dyn --dry-run --exclude a2 2>&1 </dev/null); rc=$?
check "exec --dry-run: the gate as the run waits on it, a2 excluded (rc $rc: $out)" \
  grep -q "gate acted-stopped: would wait for fleet{expect=stopped,vms=a1,no_other_active=pcocc-vm-,active_allowed=a2}" <<<"$out"

# 3. the start list: the site's fallback alone, an earlier run's with --from-run.
out=$("$gl" runbook plan st 2>&1)
check "plan of st alone says the fallback ($out)" grep -q "this run has no @run:before" <<<"$out"
out=$("$gl" runbook plan st --from-run "$dyn" 2>&1)
check "plan --from-run says the saved list ($out)" grep -q "@run:to_start = @run:before = a\[1-2\]" <<<"$out"
"$gl" runbook exec st --yes </dev/null >/dev/null 2>&1
check "alone: starts the fallback" grep -qx "start a9" "$dir/trace"
out=$("$gl" runbook exec st --yes --from-run "$dyn" 2>&1 </dev/null); rc=$?
check "--from-run: finishes (rc $rc)" test "$rc" -eq 0
check "--from-run: starts what the earlier run saved" grep -qx "start a1 a2" "$dir/trace"
out=$("$gl" runbook exec st --dry-run --from-run "$dyn" 2>&1 </dev/null); rc=$?
check "--from-run in a dry run reads the runs directory (rc $rc: $out)" grep -q "@run:to_start=a\[1-2\]" <<<"$out"
out=$("$gl" runbook exec st --yes --from-run nosuch-run 2>&1 </dev/null); rc=$?
check "--from-run of no run is refused (rc $rc)" grep -q "no run 'nosuch-run'" <<<"$out"

# 4. runbook check: the gate before the first step must be green now.
out=$("$gl" runbook check ready 2>&1); rc=$?
check "check: blocks without the flag (rc $rc)" test "$rc" -eq 1
check "  names the gate and the evidence ($out)" grep -q "BLOCKS gate flag-up" <<<"$out"
check "  the later gate's check could look" grep -q "ok     gate later" <<<"$out"
touch "$dir/flag"
out=$("$gl" runbook check ready 2>&1); rc=$?
check "check: green with the flag (rc $rc: $out)" test "$rc" -eq 0
mv "$dir/fleetctl" "$dir/fleetctl.off"
out=$("$gl" runbook check ready 2>&1); rc=$?
check "check: a later gate whose check cannot look blocks (rc $rc: $out)" test "$rc" -eq 1
check "  and says why" grep -q "cannot look now" <<<"$out"
check "nothing ran: no step of ready" test "$(ls "$dir/runs" | grep -c '^ready-')" -eq 0
mv "$dir/fleetctl.off" "$dir/fleetctl"
# A gate check that cannot be built (a group nobody defines) is an error of
# the configuration, at its place, before any run.
awk '{ print } /^  inline:$/ {
  print "    badref:"
  print "      gates:"
  print "        odd: {description: a group nobody defines, checks: [{check: fleet, expect: stopped, vms: \"@nosuch\"}], timeout: 5s}"
  print "      phases: [{name: p, require: [odd]}]"
}' "$dir/site.yaml" >"$dir/badref.yaml"
out=$("$gl" config check "$dir/badref.yaml" 2>&1); rc=$?
check "check: a gate check that cannot be built is a configuration error (rc $rc: $out)" test "$rc" -ne 0
check "  at its place, naming the group" grep -q 'badref.yaml:[0-9]*:[0-9]*: error: .*unknown group "@nosuch"' <<<"$out"

# 5. the same in greenlight serve: @vm:running afresh, --exclude journaled
# with who, shown in /api/v1/runs.
"$gl" serve --listen 127.0.0.1:0 >"$dir/serve.out" 2>&1 &
serve_pid=$!
port=$(serve_port "$dir/serve.out" 100)
check "serve listens ($(cat "$dir/serve.out"))" test -n "$port"
units "active	running" a1 a2
: >"$dir/trace"
out=$("$gl" runbook exec dyn --yes 2>&1 </dev/null); rc=$?
check "serve: dyn finishes (rc $rc: $out)" test "$rc" -eq 0
check "serve: it ran in serve" grep -q "executes in greenlight serve" <<<"$out"
check "serve: the stop step acted on the running VMs" grep -qx "stop a1 a2" "$dir/trace"
check "serve: no step over a stale @vm:running" test "$(grep -c '^left' "$dir/trace")" -eq 0
dyn2=$(ls -t "$dir/runs" | grep '^dyn-' | head -1)
log=$("$gl" runbook log "$dyn2" 2>&1)
check "serve: the empty set is skipped and named" grep -q "step-skipped.*@vm:running is empty" <<<"$log"
units "active	running" a1 a2
out=$("$gl" runbook exec ex --yes --exclude a2 2>&1 </dev/null); rc=$?
check "serve: ex --exclude finishes (rc $rc)" test "$rc" -eq 0
check "serve: the excluded VM is not in the command" test "$(grep -c '^ex a1$' "$dir/trace")" -eq 1
ex2=$(ls -t "$dir/runs" | grep '^ex-' | head -1)
log=$("$gl" runbook log "$ex2" 2>&1)
check "serve: the exclusion is journaled with who ($log)" \
  grep -q "nodes-excluded.*a2.*by uid $(id -u) .*pid [0-9]* through the control socket" <<<"$log"
runs=$(curl -s "http://127.0.0.1:$port/api/v1/runs")
check "serve: /api/v1/runs shows the exclusion" /usr/bin/python3 -c '
import json, sys
runs = {r["id"]: r for r in json.loads(sys.argv[1])["runs"]}
assert runs[sys.argv[2]]["excluded"].startswith("a2 by uid"), runs[sys.argv[2]]
' "$runs" "$ex2"

echo "runbook scope: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
