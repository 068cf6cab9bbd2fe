#!/usr/bin/env bash
# Builds checks/fuzz/parsers_fuzz.cpp with libFuzzer + ASan + UBSan (clang)
# and runs it for SECONDS (default 60) on a corpus seeded from
# tests/fixtures. Only the parsers and verdicts are built (the Check classes,
# the scheduler and group sources need core). Usage: checks/fuzz/run.sh [SECONDS] [WORKDIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
seconds=${1:-60}
work=${2:-$(mktemp -d /tmp/glfuzz.XXXXXX)}
mkdir -p "$work/corpus"
for f in "$root"/tests/fixtures/*/*.* "$root"/tests/fixtures/*/*/*.*; do
  [[ -f "$f" ]] || continue
  { printf '\0'; cat "$f"; } > "$work/corpus/$(basename "$(dirname "$f")")_$(basename "$f")"
done
clang++ -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -I"$root/checks/include" -I"$root/checks/src" -I"$root/core/include" \
  "$here/parsers_fuzz.cpp" $(find "$root/checks/src" -name '*.cpp' ! -name 'confiture*.cpp' \
    ! -name check.cpp ! -name check_group_source.cpp ! -name '*_check.cpp' ! -name '*_checks.cpp' ! -name scheduler.cpp ! -name fact_group_source.cpp) \
  "$root/core/src/text/shell.cpp" "$root/core/src/json/json_string.cpp" -lpugixml -lfmt -lcares -o "$work/parsers_fuzz"
"$work/parsers_fuzz" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
  -artifact_prefix="$work/" "$work/corpus"
echo "fuzz: no crash in ${seconds}s; corpus and binary in $work"
