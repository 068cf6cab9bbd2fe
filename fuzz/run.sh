#!/usr/bin/env bash
# Runs every libFuzzer target of BUILD_DIR (fuzz_*, built by `make fuzz`)
# for SECONDS each on a corpus seeded from tests/fixtures, examples and
# fuzz/corpus/TARGET, then the node set differential against ClusterShell on
# a sample of the node set corpus. Prints one line per target (executions,
# coverage: libFuzzer's cov and ft) and fails on the first crash, leak,
# timeout or broken property, leaving the input that did it in WORK.
# Usage: fuzz/run.sh BUILD_DIR [SECONDS] [WORK]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:?usage: fuzz/run.sh BUILD_DIR [SECONDS] [WORK]}" && pwd)
seconds=${2:-60}
work=${3:-$build/fuzz-work}
targets=(nodeset parsers api_parsers config template control journal http)
mkdir -p "$work"

# seed TARGET PREFIX FILE...: copies each file into TARGET's seed corpus,
# PREFIX (bytes, printf syntax) put in front of its content.
seed() {
  local target=$1 prefix=$2
  shift 2
  mkdir -p "$work/seeds/$target"
  local f
  for f in "$@"; do
    [[ -f "$f" ]] || continue
    { printf "$prefix"; cat "$f"; } >"$work/seeds/$target/$(basename "$(dirname "$f")")_$(basename "$f")"
  done
}
rm -rf "$work/seeds"
fixtures="$root/tests/fixtures"
for target in "${targets[@]}"; do seed "$target" '' "$root"/fuzz/corpus/"$target"/*; done
seed parsers '\0' "$fixtures"/{gluster,fping,fleet,nagios,power,dns,prometheus}/*.* \
  "$fixtures"/gluster/*/*.* "$root"/fuzz/corpus/parsers/*
seed api_parsers '' "$fixtures"/{prometheus,confiture,nagios,dns}/*.* "$fixtures"/gluster/heal_info*
seed config '' "$fixtures"/config/*.yaml "$root"/examples/*/site.yaml "$root"/examples/*/runbooks/*.yaml
seed template '\2' "$root"/examples/*/runbooks/*.yaml

status=0
for target in "${targets[@]}"; do
  binary="$build/fuzz/fuzz_$target"
  corpus="$work/corpus/$target"
  mkdir -p "$corpus"
  log="$work/$target.log"
  # -timeout: one input may take this long (wall clock: generous, for a
  # loaded machine; sh and a loopback request are inside it);
  # -rss_limit_mb: a parser that grows without bound is a find too;
  # -malloc_limit_mb: one allocation past it is reported with its stack
  # and input at once (past the RSS limit alone, libFuzzer's report of an
  # instrumented process was seen to hang for minutes instead).
  # timeout(1): the whole target's deadline, whatever libFuzzer does.
  # FUZZ_SEED: the same exploration on every run (CI), else a new one each time.
  if ! timeout --kill-after=10 "$((seconds + 180))" \
      "$binary" ${FUZZ_SEED:+-seed="$FUZZ_SEED"} -max_total_time="$seconds" -max_len=65536 \
      -timeout=60 -rss_limit_mb=2048 -malloc_limit_mb=512 \
      -print_final_stats=1 -artifact_prefix="$work/$target-" "$corpus" "$work/seeds/$target" \
      >"$log" 2>&1; then
    echo "fuzz $target: FAILED (log: $log)"
    grep -E -A40 'ERROR: |==ERROR|fuzz: property failed|runtime error|Test unit written' "$log" | head -60 || true
    tail -3 "$log"
    status=1
    continue
  fi
  final=$(grep -E '^#[0-9]+' "$log" | tail -1)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$final")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$final")
  echo "fuzz $target: ${execs:-?} executions in ${seconds}s, cov ${cov:-?}, ft ${ft:-?}, corpus $(ls "$corpus" | wc -l) inputs"
done

# The differential oracle: the node sets greenlight accepted in a sample
# of the corpus, against ClusterShell's NodeSet.
if [[ -x "$build/fuzz/fuzz_nodeset" ]]; then
  dump="$work/nodeset-dump.txt"
  rm -f "$dump"
  mapfile -t sample < <(ls "$work/corpus/nodeset"/* "$work/seeds/nodeset"/* 2>/dev/null | head -n 3000)
  if ((${#sample[@]} > 0)); then
    GREENLIGHT_FUZZ_NODESET_DUMP=$dump "$build/fuzz/fuzz_nodeset" "${sample[@]}" >"$work/nodeset-replay.log" 2>&1 ||
      { echo "fuzz nodeset: replaying the corpus failed ($work/nodeset-replay.log)"; status=1; }
    /usr/bin/python3 "$root/fuzz/nodeset_clustershell.py" "$dump" || status=1
  fi
fi
exit "$status"
