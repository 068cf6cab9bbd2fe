#!/usr/bin/env bash
# greenlight nodeset against ClusterShell's nodeset, same inputs, same run:
# median wall time over several runs (hyperfine) and peak RSS (GNU time).
# Writes the "Node sets" section of bench/RESULTS.md (names in order) and
# the "Node sets in any order" section (shuffled and sparse names).
# Usage: bench/nodeset.sh BUILD_DIR [SIZES...]   (default sizes: 10000 100000 1000000)
# NODESET_BENCH=sorted|shuffled runs one of the two tables only (default: both).
set -euo pipefail
build_arg=${1:?usage: nodeset.sh BUILD_DIR}
build=$(cd "$build_arg" && pwd)
shift
sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(10000 100000 1000000)
here=$(cd "$(dirname "$0")" && pwd)
gl="$build/app/greenlight"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CLUSTERSHELL_CFGDIR="$work/cs"   # no group sources: nothing but node sets
mkdir -p "$CLUSTERSHELL_CFGDIR" && printf '[Main]\n' >"$CLUSTERSHELL_CFGDIR/groups.conf"

median() {  # runs "command line" [shell] -> median seconds
  local runs=$1 command=$2 mode=${3:--N} warmup=1
  [[ $mode == shell ]] && mode=""
  [[ $runs -le 1 ]] && warmup=0
  hyperfine --style none --runs "$runs" --warmup "$warmup" --export-json "$work/h.json" $mode "$command" >"$work/h.log" 2>&1 ||
    { cat "$work/h.log" >&2; exit 1; }
  /usr/bin/python3 -c 'import json,sys; print("%.4f" % json.load(open(sys.argv[1]))["results"][0]["median"])' "$work/h.json"
}
rss() {  # command... -> peak RSS in MiB
  /usr/bin/time -f %M -o "$work/rss" "$@" >/dev/null 2>&1
  awk '{printf "%.1f", $1/1024}' "$work/rss"
}

which=${NODESET_BENCH:-both}
ratio() { /usr/bin/python3 -c "print('%.0f' % ($1 / $2))"; }
# The reading of a table: the smallest speed-up at the middle size, and how
# greenlight's time grows from the middle size to the largest.
# reading SPEEDUPS TIMES ROW... (the names of two associative arrays keyed
# "ROW-SIZE") sets $slowest and $growth.
reading() {
  local -n speedups=$1 times=$2
  shift 2
  middle=${sizes[$(( ${#sizes[@]} / 2 ))]} largest=${sizes[-1]}
  slowest="" growth=""
  local row
  for row in "$@"; do
    if [[ -z $slowest ]] || (( ${speedups[$row-$middle]} < ${speedups[$slowest-$middle]} )); then slowest=$row; fi
    growth+="${growth:+, }$row $(/usr/bin/python3 -c "print('%.1f' % (${times[$row-$largest]} / ${times[$row-$middle]}))")x"
  done
}

rows=()
declare -A time_g speedup
[[ $which == shuffled ]] || for n in "${sizes[@]}"; do
  half=$((n / 2))
  side=$(/usr/bin/python3 -c "import math; print(int(math.isqrt($n)))")
  seq -f 'node%g' 1 "$n" >"$work/list-$n"
  /usr/bin/python3 -c "
for r in range(1, $side + 1):
    for c in range(1, $side + 1):
        print('r%dn%d' % (r, c))" >"$work/grid-$n"
  runs=5
  [[ $n -ge 1000000 ]] && runs=1
  declare -A cases=(
    [expand]="-e node[1-$n]"
    [count]="-c node[1-$n]"
    [intersection]="-f node[1-$n] -i node[$half-$((n + half))]"
  )
  for op in expand count intersection; do
    args=${cases[$op]}
    cs=$(median "$runs" "nodeset $args")
    g=$(median "$runs" "$gl nodeset $args")
    time_g[$op-$n]=$g speedup[$op-$n]=$(/usr/bin/python3 -c "print('%.0f' % ($cs / $g))")
    rows+=("| $op | $n | $cs | $g | $(/usr/bin/python3 -c "print('%.0f' % ($cs / $g))") | $(rss nodeset $args) | $(rss "$gl" nodeset $args) |")
  done
  for op in fold-list fold-grid; do
    file="$work/list-$n"; [[ $op == fold-grid ]] && file="$work/grid-$n"
    cs=$(median "$runs" "nodeset -f < $file" shell)
    g=$(median "$runs" "$gl nodeset -f < $file" shell)
    cs_rss=$(rss bash -c "exec nodeset -f < $file")
    g_rss=$(rss bash -c "exec $gl nodeset -f < $file")
    time_g[$op-$n]=$g speedup[$op-$n]=$(/usr/bin/python3 -c "print('%.0f' % ($cs / $g))")
    label=$op; [[ $op == fold-grid ]] && label="fold-grid (${side}x${side})"
    rows+=("| $label | $n | $cs | $g | $(/usr/bin/python3 -c "print('%.0f' % ($cs / $g))") | $cs_rss | $g_rss |")
  done
done

if [[ $which != shuffled ]]; then
reading speedup time_g expand count intersection fold-list fold-grid
summary="At $middle names the smallest speed-up is ${speedup[$slowest-$middle]}x ($slowest).
From $middle to $largest names ($((largest / middle))x the names) greenlight's time
grows: $growth (process start included, ~4 ms)."

section="## Node sets

\`bench/nodeset.sh $build_arg ${sizes[*]}\` on $(date -u +%Y-%m-%d), $(nproc) cores,
$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), ClusterShell $(/usr/bin/python3 -c 'import ClusterShell; print(ClusterShell.__version__)').
Median wall seconds (hyperfine, 5 runs after a warm-up; one run at 1M names) of one command each,
process start included; peak RSS from GNU time. \`fold-list\` folds N names
read one per line; \`fold-grid\` folds N two-dimensional names (rXnY).

| operation | names | nodeset (s) | greenlight (s) | speed-up | nodeset RSS (MiB) | greenlight RSS (MiB) |
|---|---:|---:|---:|---:|---:|---:|
$(printf '%s\n' "${rows[@]}")

$summary
"
/usr/bin/python3 "$here/write_section.py" "$here/RESULTS.md" "$section"
echo "$section"
fi

# Names in the order tools print them: node1..nodeN shuffled ("random"), N
# distinct indexes drawn from 1..10N and shuffled ("sparse"); fold, count
# and union (two shuffled lists overlapping by half, read as one stream).
[[ $which == sorted ]] && exit 0
order_rows=()
declare -A order_g order_speedup
for n in "${sizes[@]}"; do
  /usr/bin/python3 - "$n" "$work" <<'PY'
import random, sys
n, work = int(sys.argv[1]), sys.argv[2]
rng = random.Random(15)
def write(name, indexes):
    rng.shuffle(indexes)
    with open("%s/%s-%d" % (work, name, n), "w") as f:
        f.write("\n".join("node%d" % i for i in indexes) + "\n")
write("random", list(range(1, n + 1)))
write("sparse", rng.sample(range(1, 10 * n + 1), n))
a, b = list(range(1, n + 1)), list(range(n // 2 + 1, n + n // 2 + 1))
rng.shuffle(a); rng.shuffle(b)
for name, lists in (("union-random", (a, b)),):
    with open("%s/%s-%d" % (work, name, n), "w") as f:
        f.write("\n".join("node%d" % i for i in lists[0] + lists[1]) + "\n")
sa, sb = rng.sample(range(1, 10 * n + 1), n), rng.sample(range(1, 10 * n + 1), n)
with open("%s/union-sparse-%d" % (work, n), "w") as f:
    f.write("\n".join("node%d" % i for i in sa + sb) + "\n")
PY
  runs=5
  [[ $n -ge 1000000 ]] && runs=1
  for row in fold:random fold:sparse count:random count:sparse union:union-random union:union-sparse; do
    op=${row%%:*} input=${row#*:}
    file="$work/$input-$n"
    flag=-f; [[ $op == count ]] && flag=-c
    [[ $input == union-* ]] && flag=-c
    cs=$(median "$runs" "nodeset $flag < $file" shell)
    g=$(median "$runs" "$gl nodeset $flag < $file" shell)
    # Same answer, or the row is not a comparison.
    [[ $(nodeset $flag <"$file" | md5sum) == $("$gl" nodeset $flag <"$file" | md5sum) ]] ||
      { echo "nodeset.sh: greenlight and nodeset disagree on $op $input $n" >&2; exit 1; }
    label="$op ${input#union-}"
    order_g[$label-$n]=$g order_speedup[$label-$n]=$(ratio "$cs" "$g")
    order_rows+=("| $label | $n | $cs | $g | ${order_speedup[$label-$n]} | $(rss bash -c "exec nodeset $flag < $file") | $(rss bash -c "exec $gl nodeset $flag < $file") |")
  done
done
reading order_speedup order_g "fold random" "fold sparse" "count random" "count sparse" "union random" "union sparse"
section="## Node sets in any order

\`bench/nodeset.sh $build_arg ${sizes[*]}\` on $(date -u +%Y-%m-%d), $(nproc) cores,
$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), ClusterShell $(/usr/bin/python3 -c 'import ClusterShell; print(ClusterShell.__version__)').
Names one per line on standard input, in the order tools print them: \`random\` is
node1..nodeN shuffled, \`sparse\` is N distinct indexes drawn from 1..10N, shuffled;
\`union\` reads two such lists of N names each (overlapping by half for \`random\`)
as one stream and counts the union. Median wall seconds (hyperfine, 5 runs after a
warm-up; one run at 1M names), process start included; both tools gave the same
answer on every row (checked by the script). Load average when it ended:
$(cut -d' ' -f1-3 /proc/loadavg) (the machine is shared with other builds).

| operation | names | nodeset (s) | greenlight (s) | speed-up | nodeset RSS (MiB) | greenlight RSS (MiB) |
|---|---:|---:|---:|---:|---:|---:|
$(printf '%s\n' "${order_rows[@]}")

At $middle names the smallest speed-up is ${order_speedup[$slowest-$middle]}x ($slowest).
From $middle to $largest names ($((largest / middle))x the names) greenlight's time
grows: $growth (process start included).
"
/usr/bin/python3 "$here/write_section.py" "$here/RESULTS.md" "$section"
echo "$section"
