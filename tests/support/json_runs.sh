# make_runs DIR: a site in DIR/site.yaml whose runbooks run local commands
# on greenlight's own host, and two runs of them made by the runbook engine
# in DIR/runs: "done" finished (a phase skipped with --from, a node set
# excluded), "failing" paused on a step that exits 3. Sets $done_run and
# $failing_run; exports GREENLIGHT_CONFIG. Source check.sh first ($gl set).
make_runs() {
  local dir=$1
  cat >"$dir/site.yaml" <<YAML
site: json
hosts:
  here: {self: true}
  other: {address: 127.0.0.9}
checks:
  flag: {kind: command, command: [test, -e, $dir/site.yaml], interval: 1h, timeout: 5s}
runbooks:
  runs: runs
  control: control.sock   # no serve here: every run executes in process
  inline:
    done:
      description: two phases and a gate
      gates:
        site-there:
          description: the site file exists
          checks: [{check: flag}]
          timeout: 20s
      phases:
        - name: first
          title: skipped by --from
          steps:
            - run: {on: self, command: "echo first >> $dir/trace"}
        - name: second
          title: the last
          require: [site-there]
          steps:
            - run: {on: "self,other", command: "echo second >> $dir/trace"}
    failing:
      phases:
        - name: only
          steps:
            - run: {on: self, command: "echo failing; exit 3"}
YAML
  export GREENLIGHT_CONFIG=$dir/site.yaml
  unset GREENLIGHT_CONTROL_SOCKET GREENLIGHT_RUNS_DIR
  "$gl" runbook exec done --yes --from second --exclude other >"$dir/done.out" 2>&1 </dev/null
  check "the run of done finished (rc $?: $(tail -3 "$dir/done.out"))" grep -q "second" "$dir/trace"
  "$gl" runbook exec failing --yes >"$dir/failing.out" 2>&1 </dev/null
  done_run=$(ls "$dir/runs" | grep '^done-')
  failing_run=$(ls "$dir/runs" | grep '^failing-')
  check "two runs ($done_run, $failing_run)" test -n "$done_run" -a -n "$failing_run"
}
