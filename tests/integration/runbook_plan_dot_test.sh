#!/usr/bin/env bash
# greenlight runbook plan NAME -o dot through Graphviz's own dot: every
# runbook of the example sites renders to SVG with nothing on dot's stderr,
# with one cluster per phase and as many nodes and edges as the JSON plan
# (the same resolved plan) has gates, steps and remedy steps; then a runbook
# whose names and command hold quotes, backslashes, a newline, a tab and
# markup characters renders likewise, its text intact in the SVG.
set -uo pipefail
src=${GREENLIGHT_SOURCE_DIR:?}
gl=${GREENLIGHT:?}
source "$(dirname "$0")/../support/check.sh"
dir=$(mktemp -d /tmp/greenlight-plan-dot-XXXXXX)
trap 'rm -rf "$dir"' EXIT
unset GREENLIGHT_RUNS_DIR GREENLIGHT_CONFIG
out="${GREENLIGHT_BUILD_DIR:-/tmp}/test-output/runbook_plan_dot"
mkdir -p "$out"
dot=$(command -v dot) || { echo "FAILED: Graphviz's dot is not installed (packaging/deps.txt)"; exit 1; }

# Expected clusters, nodes and edges from the JSON plan: one node per gate,
# step and remedy step (a phase with none: one "no step" node), the nodes
# chained in exec's order, and per remedy its steps' edges plus one back.
expected() {
  /usr/bin/python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
nodes = edges = 0
for p in d["phases"]:
    gates = p["require"] + p["wait_for"]
    main = len(gates) + len(p["steps"])
    nodes += max(main, 1)
    for g in gates:
        steps = len(g["remedy"]["steps"]) if g["remedy"] else 0
        nodes += steps
        edges += steps + 1 if steps else 0
chain = sum(max(len(p["require"]) + len(p["wait_for"]) + len(p["steps"]), 1) for p in d["phases"])
print(len(d["phases"]), nodes, edges + chain - 1)' "$1"
}
drawn() {  # clusters nodes edges of an SVG
  printf '%s %s %s\n' "$(grep -c 'class="cluster"' "$1")" "$(grep -c 'class="node"' "$1")" \
    "$(grep -c 'class="edge"' "$1")"
}

# The lab and islet sites are templates (make demo, lab/ fill them in):
# filled here with this tree and addresses nothing is asked of.
mkdir -p "$dir/lab" "$dir/islet"
sed -e "s|@SRC@|$src|g" -e "s|@DIR@|$dir/lab|g" "$src/examples/lab/site.yaml" >"$dir/lab/site.yaml"
sed -e "s|@NET@|10.77.0|g" -e "s|@LAB@|$dir/islet|g" "$src/examples/islet/site.yaml" >"$dir/islet/site.yaml"
rendered=0
for site in "$src/examples/ocean/site.yaml" "$dir/lab/site.yaml" "$dir/islet/site.yaml"; do
  example=$(basename "$(dirname "$site")")
  names=$("$gl" -c "$site" runbook list -o json |
    /usr/bin/python3 -c 'import json, sys; print(" ".join(r["name"] for r in json.load(sys.stdin)["runbooks"]))')
  for name in $names; do
    base="$dir/$example-$name"
    "$gl" -c "$site" runbook plan "$name" -o dot >"$base.dot" 2>"$base.err"; rc=$?
    check "$example $name: plan -o dot exits 0 with nothing on stderr (rc $rc: $(head -c 300 "$base.err"))" \
      bash -c "test $rc -eq 0 && test ! -s '$base.err'"
    "$gl" -c "$site" runbook plan "$name" -o json >"$base.json"
    timeout 60 "$dot" -Tsvg "$base.dot" >"$base.svg" 2>"$base.dot-err"; rc=$?
    check "$example $name: dot renders it (rc $rc), no warning ($(head -c 300 "$base.dot-err"))" \
      bash -c "test $rc -eq 0 && test ! -s '$base.dot-err' && test -s '$base.svg'"
    check "$example $name: clusters, nodes, edges as the JSON plan ($(expected "$base.json") expected, $(drawn "$base.svg") drawn)" \
      test "$(expected "$base.json")" = "$(drawn "$base.svg")"
    cp "$base.dot" "$base.svg" "$out/"
    rendered=$((rendered + 1))
  done
done
check "the example runbooks were rendered ($rendered: ocean's 3, the lab's, the islet's)" test "$rendered" -ge 5

# A few labels of ocean's shutdown, as the text plan says them.
svg="$dir/ocean-shutdown.svg"
site=$src/examples/ocean/site.yaml
check "phase clusters in order, numbered as the text plan" test \
  "$(grep -A3 'class="cluster"' "$svg" | grep -o '<title>cluster_[0-9]*</title>' | tr -d '\n')" = \
  "$("$gl" -c "$site" runbook plan shutdown | grep -Eo '^[0-9]+\.' | tr -d '.' | sed 's|.*|<title>cluster_&</title>|' | tr -d '\n')"
check "the first phase's label" grep -qF '>1. preflight &#45; The cluster is ready to be taken down<' "$svg"
# dot writes '-' as &#45; in SVG text.
check "the islet workers' poweroff: its node set" grep -qF '>on islet[01&#45;16] (16 nodes)<' "$svg"
check "the command of that step" grep -q '>\$ poweroff<' "$svg"
check "preflight's gates drawn as hexagons, named" \
  bash -c "grep -q 'shape=hexagon' '$dir/ocean-shutdown.dot' && grep -qF '>require cluster&#45;healthy<' '$svg'"
check "a save_group known at run time" grep -q '(resolved at run time)' "$svg"

# Hostile text: quotes, backslashes, a newline, a tab, <, >, &, {, |, in
# the runbook's description, the phase's title and the command.
cat >"$dir/hostile.yaml" <<'YAML'
site: hostile
hosts:
  here: {address: 127.0.0.1, self: true}
runbooks:
  runs: runs
  inline:
    odd:
      description: "a \"quoted\" <runbook> & more"
      phases:
        - name: odd
          title: "a\"b back\\slash {x} | <y>"
          steps:
            - run:
                on: self
                command: "printf '%s\\n' \"a\\\\b\" <in >out & echo {x}|z\nsecond line\tafter tab\\"
YAML
"$gl" -c "$dir/hostile.yaml" runbook plan odd -o dot >"$dir/hostile.dot" 2>"$dir/hostile.err"; rc=$?
check "hostile names: plan -o dot exits 0 (rc $rc: $(head -c 300 "$dir/hostile.err"))" test "$rc" -eq 0
timeout 60 "$dot" -Tsvg "$dir/hostile.dot" >"$dir/hostile.svg" 2>"$dir/hostile.dot-err"; rc=$?
check "hostile names: dot renders it (rc $rc), no warning ($(head -c 300 "$dir/hostile.dot-err"))" \
  bash -c "test $rc -eq 0 && test ! -s '$dir/hostile.dot-err'"
cp "$dir/hostile.dot" "$dir/hostile.svg" "$out/"
check "hostile names: 1 cluster, 1 node, 0 edges ($(drawn "$dir/hostile.svg"))" \
  test "$(drawn "$dir/hostile.svg")" = "1 1 0"
check "the command's first line intact" \
  grep -qF '>$ printf &#39;%s\n&#39; &quot;a\\b&quot; &lt;in &gt;out &amp; echo {x}|z<' "$dir/hostile.svg"
check "the command's second line, the tab shown as \\x09, the last backslash kept" \
  grep -qF '>second line\x09after tab\<' "$dir/hostile.svg"
check "the phase's title intact" \
  grep -qF '>1. odd &#45; a&quot;b back\slash {x} | &lt;y&gt;<' "$dir/hostile.svg"
check "the runbook's description in the graph's label" \
  grep -qF 'a &quot;quoted&quot; &lt;runbook&gt; &amp; more' "$dir/hostile.svg"

echo "$passed passed, $failed failed"
test "$failed" -eq 0
