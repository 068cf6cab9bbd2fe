#!/usr/bin/env bash
# greenlight runbook exec on a small runbook whose steps are local commands
# on greenlight's own host: a gate fed by a real check, a SIGKILL in the
# middle of a step, resume (the interrupted step is not re-run without the
# operator), self_poweroff then resume, a failed step left paused then
# aborted, and a dry run of the example restart.
set -uo pipefail
src=${GREENLIGHT_SOURCE_DIR:?}
gl=${GREENLIGHT:?}
source "$(dirname "$0")/../support/check.sh"
source "$(dirname "$0")/../support/workdir.sh"
gl_pid= workdir_pid_files=step.pid
make_workdir runbook-exec gl_pid

cat >"$dir/site.yaml" <<EOF
site: lab
hosts:
  here: {self: true}
checks:
  flag: {kind: command, command: [test, -e, $dir/flag], interval: 1h, timeout: 5s}
  never: {kind: command, command: [test, -e, $dir/never], interval: 1h, timeout: 5s}
runbooks:
  runs: runs
  control: control.sock   # no serve here: every run executes in process
  inline:
    mini:
      description: a gate, a long step, this host powering off, then startup
      gates:
        flag-up:
          description: the flag file exists
          checks: [{check: flag}]
          timeout: 20s
      phases:
        - name: one
          steps:
            - run: {on: self, command: "echo one >> $dir/trace"}
            - run: {on: self, command: "sleep 0.5; touch $dir/flag"}
          wait_for: [flag-up]
        - name: two
          steps:
            - run: {on: self, command: "echo \$\$ > $dir/step.pid; echo two >> $dir/trace; exec sleep 60"}
        - name: off
          steps:
            - self_poweroff: {command: "echo poweroff >> $dir/trace"}
        - name: three
          require: [flag-up]
          steps:
            - run: {on: self, command: "echo three >> $dir/trace"}
    failing:
      phases:
        - name: only
          steps:
            - run: {on: self, command: "exit 3"}
    gated:
      gates:
        never:
          description: a file nobody makes
          checks: [{check: never}]
          timeout: 1s
      phases:
        - name: wait
          wait_for: [never]
          steps:
            - run: {on: self, command: "echo gated >> $dir/trace"}
        - name: after
          steps:
            - run: {on: self, command: "echo after >> $dir/trace"}
EOF
export GREENLIGHT_CONFIG=$dir/site.yaml
unset GREENLIGHT_CONTROL_SOCKET  # the site's runbooks: {control:} is tested here

# 1. exec, SIGKILL while phase two's step runs.
"$gl" runbook exec mini --yes >"$dir/exec.out" 2>&1 </dev/null &
gl_pid=$!
for _ in $(seq 1 200); do grep -q two "$dir/trace" 2>/dev/null && break; sleep 0.1; done
check "phase two started after the gate turned green" grep -q two "$dir/trace"
check "the gate was waited on" grep -q "gate flag-up green after" "$dir/exec.out"
check "exec says it runs in process" grep -q "no daemon at $dir/control.sock: run mini-.* executes in this process" "$dir/exec.out"
kill -9 "$gl_pid"; wait "$gl_pid" 2>/dev/null; gl_pid=
kill -9 "$(cat "$dir/step.pid")" 2>/dev/null
run=$(ls "$dir/runs")
check "one run directory ($run)" test "$(ls "$dir/runs" | wc -l)" -eq 1
out=$("$gl" runbook status "$run" 2>&1)
check "status says interrupted ($out)" grep -q "interrupted" <<<"$out"
check "status shows the current phase" grep -q "current  two" <<<"$out"

# 2. resume: the interrupted step is put to the operator; skip it.
out=$(printf 'skip\nkilled by the test, it ran\n' | "$gl" runbook resume "$run" --yes 2>&1); rc=$?
check "resume stops at self_poweroff with rc 4 (rc $rc)" test "$rc" -eq 4
check "the operator was asked about the interrupted step" grep -q "may or may not have taken effect" <<<"$out"
check "two ran once only" test "$(grep -c '^two$' "$dir/trace")" -eq 1
check "poweroff ran once" test "$(grep -c '^poweroff$' "$dir/trace")" -eq 1
check "three not yet" test "$(grep -c '^three$' "$dir/trace")" -eq 0
out=$("$gl" runbook status 2>&1)
check "status lists the run as powered off ($out)" grep -q "powered off" <<<"$out"

# 3. resume after "boot": the host did not really reboot, so the operator
# is asked; skip (the test stands for the reboot), then startup continues.
out=$(printf 'skip\nthe lab host stands for a reboot\n' | "$gl" runbook resume "$run" --yes 2>&1); rc=$?
check "resume finishes (rc $rc)" test "$rc" -eq 0
check "same boot detected" grep -q "has not rebooted" <<<"$out"
check "three ran once" test "$(grep -c '^three$' "$dir/trace")" -eq 1
check "one ran once" test "$(grep -c '^one$' "$dir/trace")" -eq 1
check "poweroff still once" test "$(grep -c '^poweroff$' "$dir/trace")" -eq 1
out=$("$gl" runbook log "$run" 2>&1)
check "the skip reason is journaled" grep -q "step-skipped.*killed by the test, it ran" <<<"$out"
check "who answered is journaled ($(grep run-resumed <<<"$out" | head -1))" \
  grep -q "run-resumed .*skip (answered by uid $(id -u) ($(id -un)) pid [0-9]* from standard input)" <<<"$out"
check "the self poweroff is journaled" grep -q "self-poweroff" <<<"$out"
out=$("$gl" runbook status "$run" 2>&1)
check "status says finished" grep -q "finished" <<<"$out"
check "status shows the skipped step with its reason, not as done ($out)" \
  grep -q "step 1 skipped: killed by the test, it ran" <<<"$out"

# 4. a failed step with nobody to answer stays paused; abort ends it.
out=$("$gl" runbook exec failing --yes 2>&1 </dev/null); rc=$?
check "failed step pauses with rc 3 (rc $rc)" test "$rc" -eq 3
check "the pause explains the failure" grep -qF "failed on here (here: exit 3)" <<<"$out"
check "the choices are offered" grep -q "retry-failed" <<<"$out"
failing_run=$(ls "$dir/runs" | grep '^failing-')
out=$("$gl" runbook abort "$failing_run" --reason "test abort" 2>&1); rc=$?
check "abort (rc $rc)" test "$rc" -eq 0
out=$("$gl" runbook resume "$failing_run" 2>&1); rc=$?
check "an aborted run does not resume (rc $rc)" grep -q "aborted: nothing to resume" <<<"$out"
out=$("$gl" runbook status "$failing_run" 2>&1)
check "status shows the phase the abort stopped, with its failed step, never 'not run' ($out)" \
  grep -Eq "^  aborted +only" <<<"$out"
check "... and its step" grep -q "step 1 failed" <<<"$out"

# 4b. a gate that stays red, skipped by the operator with a reason: status
# shows it skipped (never done) with the reason and who answered.
out=$(printf 'skip\nthe test skips the gate\n' | "$gl" runbook exec gated --yes 2>&1); rc=$?
check "a skipped gate lets the run finish (rc $rc)" test "$rc" -eq 0
check "the phases after it ran once" test "$(grep -c '^after$' "$dir/trace")" -eq 1
gated_run=$(ls "$dir/runs" | grep '^gated-')
out=$("$gl" runbook status "$gated_run" 2>&1)
check "status shows the skipped gate with its reason ($out)" \
  grep -q "gate never skipped: the test skips the gate" <<<"$out"
check "status says who answered" \
  grep -q "^  answered .*(answered by uid $(id -u) ($(id -un)) pid [0-9]* from standard input)" <<<"$out"

# 5. without --yes, exec asks before the first change; "no" leaves it paused.
out=$(printf 'n\n' | "$gl" runbook exec failing 2>&1); rc=$?
check "no approval: paused (rc $rc)" test "$rc" -eq 3
check "the question names the step as it would run" grep -q "changes the cluster: run on here (1 node): exit 3" <<<"$out"

# 5b. one run of a runbook at a time: the paused run above holds "failing".
paused_run=$(ls "$dir/runs" | grep '^failing-' | grep -v "^$failing_run\$")
out=$(printf 'y\n' | "$gl" runbook exec failing --yes 2>&1); rc=$?
check "a second run of the same runbook is refused (rc $rc)" test "$rc" -eq 1
check "the refusal names the paused run and how to end it ($out)" \
  grep -q "$paused_run: paused" <<<"$out"
check "the refusal says how to end it" grep -q "greenlight runbook abort $paused_run" <<<"$out"
check "no new run directory" test "$(ls "$dir/runs" | grep -c '^failing-')" -eq 2
# A runbook edited while its run is paused: resume refuses, showing the change.
cp "$dir/site.yaml" "$dir/site.before-edit"
sed -i 's/            - run: {on: self, command: "exit 3"}/            - run: {on: self, command: "echo inserted >> $dir\/trace"}\n            - run: {on: self, command: "exit 3"}/' "$dir/site.yaml"
out=$("$gl" runbook resume "$paused_run" --yes 2>&1 </dev/null); rc=$?
check "resume of a run whose runbook was edited is refused (rc $rc)" test "$rc" -eq 1
check "the refusal shows what changed ($out)" grep -q "+   step 1 run on self: echo inserted" <<<"$out"
check "nothing ran" bash -c '! grep -q inserted "$1"' _ "$dir/trace"
cp "$dir/site.before-edit" "$dir/site.yaml"
"$gl" runbook abort "$paused_run" --reason "test: done with it" >/dev/null 2>&1
out=$("$gl" runbook exec failing --yes 2>&1 </dev/null); rc=$?
check "once it ended, a new run starts (rc $rc)" test "$rc" -eq 3
"$gl" runbook abort "$(ls "$dir/runs" | grep '^failing-' | tail -1)" --reason "test" >/dev/null 2>&1

# 5e. end of input is nobody's answer: the run pauses, journaled as no answer.
out=$("$gl" runbook exec failing 2>&1 </dev/null); rc=$?
check "end of input: paused (rc $rc)" test "$rc" -eq 3
eof_run=$(ls -t "$dir/runs" | grep '^failing-' | head -1)
out=$("$gl" runbook log "$eof_run" 2>&1)
check "the journal says no answer ($(grep run-paused <<<"$out"))" \
  grep -q "run-paused .*no answer (the operator's input ended)" <<<"$out"
check "... and names nobody as having answered" bash -c '! grep -q "answered by" <<<"$1"' _ "$out"
"$gl" runbook abort "$eof_run" --reason "test: no answer" >/dev/null 2>&1

# 5c. a damaged journal is listed as damaged, the other runs still are; an
# error in the site's runbooks does not hide the runs from status and log.
mkdir "$dir/runs/mini-20260101-000000"
printf 'garbage\nmore garbage\n' >"$dir/runs/mini-20260101-000000/journal"
out=$("$gl" runbook status 2>&1); rc=$?
check "status names the damaged journal ($out)" grep -q "mini-20260101-000000 .*damaged: " <<<"$out"
check "status still lists the other runs" grep -q "^$run .*finished" <<<"$out"
check "a damaged run in the listing: exit status 1 (rc $rc)" test "$rc" -eq 1
out=$("$gl" runbook status mini-20260101-000000 2>&1); rc=$?
check "status of the damaged run says so, exit status 1 as the listing (rc $rc, $out)" \
  test "$rc" -eq 1 -a -n "$(grep 'run mini-20260101-000000 is damaged: journal .*:1: ' <<<"$out")"
out=$("$gl" runbook log mini-20260101-000000 2>&1); rc=$?
check "log of the damaged run: exit status 1 too (rc $rc, $out)" \
  test "$rc" -eq 1 -a -n "$(grep 'is damaged' <<<"$out")"
# Damage after readable records: log shows those records, then the damage.
head -3 "$dir/runs/$run/journal" >"$dir/runs/mini-20260101-000000/journal"
printf 'garbage{{{\n' >>"$dir/runs/mini-20260101-000000/journal"
out=$("$gl" runbook log mini-20260101-000000 2>&1); rc=$?
check "log of a journal damaged at line 4 shows its 3 readable records, then the damage (rc $rc, $out)" \
  eval '[ "$rc" -eq 1 ] && [ "$(grep -c "^20[0-9-]*T" <<<"$out")" -eq 3 ] && grep -q "journal .*:4: " <<<"$out"'
# An empty journal no process holds: created, its start never on disk.
: >"$dir/runs/mini-20260101-000000/journal"
out=$("$gl" runbook status 2>&1); rc=$?
check "an empty journal is listed as damaged, not interrupted (rc $rc, $out)" \
  grep -q "mini-20260101-000000 .*damaged: .*holds no record" <<<"$out"
out=$("$gl" runbook status mini-20260101-000000 2>&1); rc=$?
check "status of it names abort as the way out (rc $rc, $out)" \
  test "$rc" -eq 1 -a -n "$(grep 'runbook abort mini-20260101-000000' <<<"$out")"
rm -rf "$dir/runs/mini-20260101-000000"
# A paused run stays in reach while another runbook of the site is broken:
# status, log and abort read the run's own copy.
out=$("$gl" runbook exec failing --yes 2>&1 </dev/null); rc=$?
check "a run to abort later is paused (rc $rc)" test "$rc" -eq 3
held_run=$(ls "$dir/runs" | grep '^failing-' | tail -1)
cp "$dir/site.yaml" "$dir/site.good"
sed -i 's/command: "echo three >> /comand: "echo three >> /' "$dir/site.yaml"
out=$("$gl" runbook status "$held_run" 2>&1); rc=$?
check "status of a paused run with another runbook broken (rc $rc, $out)" grep -q "paused" <<<"$out"
out=$("$gl" runbook abort "$held_run" --reason "test: another runbook is broken" 2>&1); rc=$?
check "abort with another runbook broken (rc $rc, $out)" test "$rc" -eq 0
check "the abort is journaled" bash -c '"$1" runbook log "$2" 2>/dev/null | grep -q "run-aborted .*another runbook is broken"' _ "$gl" "$held_run"
cp "$dir/site.good" "$dir/site.yaml"
sed -i 's/- run: {on: self, command: "exit 3"}/- run: {on: self, comand: "exit 3"}/' "$dir/site.yaml"
out=$("$gl" runbook status 2>&1); rc=$?
check "status works with an error in another runbook (rc $rc)" test "$rc" -eq 0
check "the error is still reported" grep -q "comand" <<<"$out"
check "the runs are listed" grep -q "^$run .*finished" <<<"$out"
out=$("$gl" runbook log "$run" 2>&1); rc=$?
check "log works with an error in another runbook (rc $rc)" grep -q "run-finished" <<<"$out"
# A YAML syntax error: the site's runs: key is unread, so where the runs
# are is not guessed ("no runs" in the default directory would be false).
cp "$dir/site.good" "$dir/site.yaml"
printf 'hosts: [\n' >>"$dir/site.yaml"
out=$("$gl" runbook status 2>&1); rc=$?
check "status with a site that cannot be read says it cannot tell where the runs are (rc $rc, $out)" \
  test "$rc" -eq 1 -a -n "$(grep 'cannot tell where the runs are' <<<"$out")"
out=$("$gl" runbook status --runs "$dir/runs" 2>&1); rc=$?
check "... and with --runs lists them (rc $rc)" grep -q "^$run .*finished" <<<"$out"
cp "$dir/site.good" "$dir/site.yaml"

# 5d. a run created but never started, or whose journal is damaged, holds
# the site until aborted; its abort writes a journal of its own.
mkdir "$dir/runs/failing-20260101-000000"
out=$("$gl" runbook exec failing --yes 2>&1 </dev/null); rc=$?
check "a run never started holds the site (rc $rc, $out)" grep -q "failing-20260101-000000: starting" <<<"$out"
out=$("$gl" runbook abort failing-20260101-000000 --reason "never ran" 2>&1); rc=$?
check "abort of a run never started (rc $rc, $out)" test "$rc" -eq 0
check "its journal records the abort and who asked" \
  grep -Eq "never ran \(aborted by uid [0-9]+ \([a-z0-9_-]+\) pid [0-9]+.*\) \(the run never started\)" \
  <<<"$("$gl" runbook log failing-20260101-000000 2>&1)"
mkdir "$dir/runs/failing-20260101-000001"
printf 'garbage\n' >"$dir/runs/failing-20260101-000001/journal"
out=$("$gl" runbook exec failing --yes 2>&1 </dev/null); rc=$?
check "a damaged run holds the site (rc $rc, $out)" grep -q "failing-20260101-000001: damaged" <<<"$out"
out=$("$gl" runbook abort failing-20260101-000001 2>&1); rc=$?
check "abort of a damaged run (rc $rc, $out)" test "$rc" -eq 0
check "the damaged journal is kept" grep -q garbage "$dir/runs/failing-20260101-000001/journal.damaged"
out=$("$gl" runbook status failing-20260101-000001 2>&1)
check "status says aborted and why ($out)" grep -q "could not be read" <<<"$out"
out=$("$gl" runbook exec failing --yes 2>&1 </dev/null); rc=$?
check "once both are aborted, a new run starts (rc $rc, $out)" test "$rc" -eq 3
"$gl" runbook abort "$(ls "$dir/runs" | grep '^failing-' | tail -1)" --reason "test" >/dev/null 2>&1

# 6. a dry run of the example restart: every phase, nothing executed.
out=$("$gl" -c "$src/examples/ocean/site.yaml" runbook exec restart --dry-run 2>&1); rc=$?
check "dry run of restart (rc $rc)" test "$rc" -eq 0
check "dry run reaches the closing validation" grep -q "phase validate" <<<"$out"
check "dry run shows the BMC command" grep -q "power on @hypervisors" <<<"$out"
check "a dry run says what would run" grep -q "dry run: would run on 16 nodes" <<<"$out"
check "a dry run never says ok" bash -c '! grep -q "done: ok on" <<<"$1"' _ "$out"

echo "runbook exec: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
