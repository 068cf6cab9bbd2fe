#!/usr/bin/env bash
# `make bench`: every side-by-side benchmark, each writing its own section of
# bench/RESULTS.md. Usage: bench/run.sh BUILD_DIR [NAME...]
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
shift || true
here=$(cd "$(dirname "$0")" && pwd)
names=("$@")
if [[ ${#names[@]} -eq 0 ]]; then
  for script in "$here"/*.sh; do
    name=$(basename "$script" .sh)
    [[ "$name" == run ]] && continue
    names+=("$name")
  done
fi
for name in "${names[@]}"; do
  echo "== bench: $name"
  bash "$here/$name.sh" "$build"
done
