#!/usr/bin/env bash
# A site file edited while a run is paused: the groups its steps name, the
# checks its gates read and the hosts they touch are part of the run, as its
# runbook is. Resume refuses such an edit, showing it, and resumes once the
# file is restored; an edit of what the run does not use changes nothing.
# The outline the run follows is fingerprinted in its journal: an outline
# edited on disk is refused too.
set -uo pipefail
gl=${GREENLIGHT:?}
source "$(dirname "$0")/../support/check.sh"
work=$(mktemp -d /tmp/greenlight-site-edit.XXXXXX)
trap 'rm -rf "$work"' EXIT
[ -n "${KEEP:-}" ] && trap - EXIT && echo "keeping $work"

site() {  # TOP_NODES CHECK_WORD OTHER_NODES
  cat >"$work/site.yaml" <<YAML
site: t
hosts:
  here: {self: true}
  there: {address: 127.0.0.1}
groups:
  top: "$1"
  other: "$3"
checks:
  ready: {kind: command, command: [sh, -c, "echo $2"], interval: 1s}
runbooks:
  runs: $work/runs
  control: $work/control.sock
  inline:
    book:
      gates:
        ready: {checks: [{check: ready}], timeout: 30s}
      phases:
        - name: first
          require: [ready]
          steps:
            - run: {on: "@top", command: "echo first >> $work/trace"}
            - confirm: Go on?
            - run: {on: "@top", command: "echo second >> $work/trace"}
YAML
}
site here ok x1
out=$(printf 'n\n' | "$gl" -c "$work/site.yaml" runbook exec book --yes 2>&1); rc=$?
check "the run pauses on the confirm (rc $rc: $out)" test "$rc" -eq 3
run=$(ls "$work/runs" | grep '^book-')
check "the outline holds the group the steps name" grep -qx "site group @site:top: here" "$work/runs/$run/outline"
check "... and the check the gate reads" grep -q "^site check ready: kind command; .*echo ok" "$work/runs/$run/outline"
print=$(awk -F'\t' '$3 == "run-outline" && $5 == "outline" { print $6 }' "$work/runs/$run/journal")
check "the journal holds the outline's fingerprint ($print)" \
  test "$print" = "sha256:$(sha256sum "$work/runs/$run/outline" | cut -d' ' -f1)"

site "here,there" ok x1
out=$(printf 'y\n' | "$gl" -c "$work/site.yaml" runbook resume "$run" --yes 2>&1); rc=$?
check "a group grown under the paused run: resume refused (rc $rc)" test "$rc" -eq 1
check "it names the site, not the runbook ($out)" \
  grep -q "the parts of the site file that runbook book uses changed since run $run" <<<"$out"
check "it shows the group as it was and as it is" \
  eval 'grep -q "^  - site group @site:top: here$" <<<"$out" && grep -q "^  + site group @site:top: here,there$" <<<"$out"'
check "nothing ran again" test "$(cat "$work/trace")" = "first"

site here "ok-but-other" x1
out=$(printf 'y\n' | "$gl" -c "$work/site.yaml" runbook resume "$run" --yes 2>&1); rc=$?
check "a gate's check edited: refused (rc $rc)" test "$rc" -eq 1
check "it shows the check's definition ($out)" grep -q "+ site check ready: kind command; .*ok-but-other" <<<"$out"

site here ok "x[1-5]"
out=$(printf 'y\n' | "$gl" -c "$work/site.yaml" runbook resume "$run" --yes 2>&1); rc=$?
check "a group the runbook does not name edited: the run resumes and finishes (rc $rc: $out)" \
  test "$rc" -eq 0
check "each step ran once" test "$(tr '\n' ' ' <"$work/trace")" = "first second "

# The outline on disk is the one journaled, or nothing resumes.
rm -f "$work/trace"
out=$(printf 'n\n' | "$gl" -c "$work/site.yaml" runbook exec book --yes 2>&1); rc=$?
check "a second run pauses (rc $rc)" test "$rc" -eq 3
run=$(ls "$work/runs" | grep '^book-' | sort | tail -1)
sed -i 's/^  step 3 /  step 3 (edited) /' "$work/runs/$run/outline"
out=$(printf 'y\n' | "$gl" -c "$work/site.yaml" runbook resume "$run" --yes 2>&1); rc=$?
check "an outline edited on disk: resume refused (rc $rc)" test "$rc" -eq 1
check "it says the outline is not the one journaled ($out)" \
  grep -q "is not the one journaled when it was written (sha256:" <<<"$out"
check "it names abort" grep -q "greenlight runbook abort $run" <<<"$out"
check "nothing ran" test "$(cat "$work/trace")" = "first"

# Standard input closed (<&-): the question gets no answer; the run's lock
# file, opened next, is not taken for the operator's input.
out=$("$gl" -c "$work/site.yaml" runbook abort "$run" 2>&1)
rm -f "$work/trace"
"$gl" -c "$work/site.yaml" runbook exec book --yes <&- >"$work/closed.out" 2>&1; rc=$?
check "with standard input closed the run pauses at the confirm (rc $rc)" test "$rc" -eq 3
run=$(ls "$work/runs" | grep '^book-' | sort | tail -1)
check "... as no answer, never as one read from a file ($(grep run-paused "$work/runs/$run/journal" | cut -f6))" \
  grep -q "run-paused.*no answer (the operator's input ended)" "$work/runs/$run/journal"
check "... and its lock file holds a process id only" grep -qx '[0-9][0-9]*' "$work/runs/$run/lock"

echo "$passed passed, $failed failed"
test "$failed" -eq 0
