#!/usr/bin/env bash
# The overhead of greenlight's fping check beyond fping itself, on 1000
# loopback targets, same run:
#  - real: `fping -i 1 -C 1 -q` alone vs `greenlight check` running the same
#    fping (wall time is dominated by fping's probing and its noise);
#  - overhead: the same check with its fping replaced by a replay of the
#    real run's output, vs the replay alone: what greenlight itself adds
#    (configuration load, node set expansion, spawn, parse, verdict).
# Writes the "fping check overhead" section of bench/RESULTS.md.
set -euo pipefail
build_arg=${1:?usage: fping.sh BUILD_DIR}
build=$(cd "$build_arg" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
targets="127.0.[0-3].[1-250]"
list=$("$build/app/greenlight" nodeset -e "$targets")
count=$(wc -w <<<"$list")
fping -i 1 -C 1 -q $list >"$work/fping.out" 2>&1 || true
answered=$(grep -c ' : [0-9]' "$work/fping.out" || true)
printf '#!/bin/sh\ncat %s >&2\n' "$work/fping.out" >"$work/replay"
chmod +x "$work/replay"
site() {
  printf 'hosts:\n  localhost: {self: true}\nchecks:\n  ping: {kind: fping, targets: "%s", count: 1, timeout: 60s, command: [%s]}\n' "$targets" "$1"
}
site "fping, -i, '1'" >"$work/real.yaml"
site "$work/replay" >"$work/replay.yaml"
median() {  # hyperfine JSON -> "median_a median_b" in seconds
  /usr/bin/python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["results"]
print("%.4f %.4f" % (r[0]["median"], r[1]["median"]))' "$1"
}
hyperfine --style none --runs 10 --warmup 1 -i --export-json "$work/real.json" \
  "fping -i 1 -C 1 -q $list" "$build/app/greenlight -c $work/real.yaml check ping" >/dev/null 2>&1
hyperfine --style none --runs 30 --warmup 3 -i -N --export-json "$work/replay.json" \
  "$work/replay" "$build/app/greenlight -c $work/replay.yaml check ping" >/dev/null 2>&1
read -r fping_median gl_median < <(median "$work/real.json")
read -r replay_median glr_median < <(median "$work/replay.json")
overhead_ms=$(/usr/bin/python3 -c "print('%.1f' % (($glr_median - $replay_median) * 1000))")
section="## fping check overhead

\`bench/fping.sh $build_arg\` on $(date -u +%Y-%m-%d), $(nproc) cores,
$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'). $count loopback targets,
one probe each ($answered answered), hyperfine medians.

| command | median (s) |
|---|---:|
| \`fping -i 1 -C 1 -q\` (the $count addresses), 10 runs | $fping_median |
| \`greenlight check ping\` running the same fping, 10 runs | $gl_median |
| replay of that fping output alone, 30 runs | $replay_median |
| \`greenlight check ping\` with fping replaced by the replay, 30 runs | $glr_median |

greenlight's own overhead (last two rows): $overhead_ms ms (target: under 50 ms).
The first two rows differ by fping's own probing noise, not by greenlight.
"
/usr/bin/python3 "$here/write_section.py" "$here/RESULTS.md" "$section"
echo "$section"
