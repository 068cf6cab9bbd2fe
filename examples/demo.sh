#!/usr/bin/env bash
# `make demo`: runs greenlight on the built-in example site (examples/ocean).
set -euo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")/.." && pwd)
gl="$build/app/greenlight"
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
step "greenlight --version"
"$gl" --version
