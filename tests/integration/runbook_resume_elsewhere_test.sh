#!/usr/bin/env bash
# A paused run resumes while another runbook's file is broken: an error
# there is reported, not a reason to leave the run paused. An error in the
# run's own runbook file, or in the site file, still refuses the resume.
set -uo pipefail
gl=${GREENLIGHT:?}
source "$(dirname "$0")/../support/check.sh"
source "$(dirname "$0")/../support/workdir.sh"
make_workdir resume-elsewhere
mkdir "$dir/books"
cat >"$dir/site.yaml" <<EOF2
site: lab
hosts:
  here: {self: true}
runbooks:
  runs: runs
  control: control.sock   # no serve here: the run executes in process
  directory: books
EOF2
cat >"$dir/books/paused.yaml" <<EOF2
phases:
  - name: only
    steps:
      - run: {on: self, command: "test -e $dir/ok && echo ran >> $dir/trace"}
EOF2
cat >"$dir/books/other.yaml" <<EOF2
phases:
  - name: only
    steps:
      - run: {on: self, command: "true"}
EOF2
export GREENLIGHT_CONFIG=$dir/site.yaml
unset GREENLIGHT_CONTROL_SOCKET
"$gl" runbook exec paused --yes >/dev/null 2>&1 </dev/null
run=$(ls "$dir/runs" | grep '^paused-')
check "the run paused on its failed step" grep -q "paused" <<<"$("$gl" runbook status 2>&1)"
touch "$dir/ok"

sed -i 's/command: "true"/comand: "true"/' "$dir/books/other.yaml"
cp "$dir/books/paused.yaml" "$dir/paused.good"
echo "  - {name: broken, steps: [{rn: {}}]}" >>"$dir/books/paused.yaml"
out=$(printf "retry\n" | "$gl" runbook resume "$run" --yes 2>&1); rc=$?
check "an error in the run's own runbook refuses the resume (rc $rc)" test "$rc" -eq 1
check "nothing ran" test ! -e "$dir/trace"
cp "$dir/paused.good" "$dir/books/paused.yaml"

out=$(printf "retry\n" | "$gl" runbook resume "$run" --yes 2>&1); rc=$?
check "an error in another runbook's file does not (rc $rc, $out)" test "$rc" -eq 0
check "that error is reported at its place" grep -q "other.yaml:4:.*comand" <<<"$out"
check "and said not to concern the run" grep -q "none in the site file or in the files of run $run" <<<"$out"
check "the step ran once" test "$(cat "$dir/trace" 2>/dev/null)" = ran
check "the run finished" grep -q "^$run .*finished" <<<"$("$gl" runbook status 2>&1)"
echo "$passed passed, $failed failed"
test "$failed" -eq 0
