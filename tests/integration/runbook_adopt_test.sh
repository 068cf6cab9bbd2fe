#!/usr/bin/env bash
# A runbook edited while its run is paused: resume refuses it, showing the
# difference and naming --adopt; `resume --adopt` shows which done steps map
# to which new ones (by content or id, never by place), which will run, asks
# (no answer: nothing adopted), journals the adoption with who made it, and
# the run goes on: a done step is not run again, inserted ones run once.
set -uo pipefail
gl=${GREENLIGHT:?}
source "$(dirname "$0")/../support/check.sh"
work=$(mktemp -d /tmp/greenlight-adopt.XXXXXX)
trap 'rm -rf "$work"' EXIT
[ -n "${KEEP:-}" ] && trap - EXIT && echo "keeping $work"

site() {  # the site with the runbook's phases given on stdin
  cat >"$work/site.yaml" <<YAML
site: t
hosts:
  here: {self: true}
runbooks:
  runs: $work/runs
  control: $work/control.sock
  inline:
    book:
      phases:
$(cat)
YAML
}
site <<YAML
        - name: first
          steps:
            - run: {on: self, command: "echo first >> $work/trace"}
        - name: second
          steps:
            - run: {on: self, command: "echo second-a >> $work/trace"}
            - confirm: Go on?
            - run: {on: self, command: "echo second-b >> $work/trace"}
YAML
out=$(printf 'n\n' | "$gl" -c "$work/site.yaml" runbook exec book --yes 2>&1); rc=$?
check "the run pauses on the confirm (rc $rc)" test "$rc" -eq 3
run=$(ls "$work/runs" | grep '^book-')
check "two steps ran" test "$(tr '\n' ' ' <"$work/trace")" = "first second-a "

# Edited while paused: a phase inserted before the paused one, a step
# inserted before the done one.
site <<YAML
        - name: first
          steps:
            - run: {on: self, command: "echo first >> $work/trace"}
        - name: inserted-phase
          steps:
            - run: {on: self, command: "echo inserted-phase >> $work/trace"}
        - name: second
          steps:
            - run: {on: self, command: "echo inserted-step >> $work/trace"}
            - run: {on: self, command: "echo second-a >> $work/trace"}
            - confirm: Go on?
            - run: {on: self, command: "echo second-b >> $work/trace"}
YAML
out=$(printf 'y\n' | "$gl" -c "$work/site.yaml" runbook resume "$run" --yes 2>&1); rc=$?
check "resume refuses the edited runbook (rc $rc)" test "$rc" -eq 1
check "it shows what changed ($out)" grep -q "+   step 1 run on self: echo inserted-step" <<<"$out"
check "it names resume --adopt" grep -q "greenlight runbook resume $run --adopt" <<<"$out"

out=$(printf 'n\n' | "$gl" -c "$work/site.yaml" runbook resume "$run" --adopt 2>&1); rc=$?
check "--adopt answered no adopts nothing (rc $rc: $out)" test "$rc" -eq 1
check "it says so" grep -q "not adopted: run $run is unchanged" <<<"$out"
check "nothing was journaled" bash -c "! grep -q run-adopted '$work/runs/$run/journal'"
out=$("$gl" -c "$work/site.yaml" runbook resume "$run" --adopt </dev/null 2>&1); rc=$?
check "--adopt at end of input adopts nothing (rc $rc)" test "$rc" -eq 1

out=$(printf 'y\ny\ny\n' | "$gl" -c "$work/site.yaml" runbook resume "$run" --adopt 2>&1); rc=$?
check "--adopt answered yes adopts and the run finishes (rc $rc)" test "$rc" -eq 0
check "it maps the done step by content, not place ($out)" \
  grep -q "phase second step 1 -> phase second step 2: done (same content)" <<<"$out"
check "it maps the paused confirm to its new place" \
  grep -q "phase second step 2 -> phase second step 3: interrupted" <<<"$out"
check "it names the steps that will run" \
  grep -q "phase inserted-phase step 1: run on self: echo inserted-phase" <<<"$out"
check "it asked before adopting" grep -q "Adopt runbook book as it is now for run $run? \[y/N\]" <<<"$out"
check "each step ran once, the inserted ones in the runbook's order" \
  test "$(tr '\n' ' ' <"$work/trace")" = "first second-a inserted-phase inserted-step second-b "
log=$("$gl" -c "$work/site.yaml" runbook log "$run" 2>&1)
check "the adoption is journaled with who made it ($log)" \
  grep -q "run-adopted.*adopted runbook book as edited: 3 steps kept, 0 dropped, 3 to run (by uid [0-9]* (" <<<"$log"
adopted=$(awk -F'\t' '$3 == "run-adopted" { split($5, a, " "); print a[1] }' "$work/runs/$run/journal")
check "the adopted outline $adopted is kept beside the journal" test -s "$work/runs/$run/$adopted"
print=$(awk -F'\t' -v f="$adopted" '$3 == "run-outline" && $5 == f { print $6 }' "$work/runs/$run/journal")
check "... its fingerprint journaled before the adoption ($print)" \
  test "$print" = "sha256:$(sha256sum "$work/runs/$run/$adopted" | cut -d' ' -f1)"

echo "$passed passed, $failed failed"
test "$failed" -eq 0
