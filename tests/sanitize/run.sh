#!/usr/bin/env bash
# ctest in a tree built with -DGREENLIGHT_SANITIZE=ON (ASan + UBSan), with
# LeakSanitizer on: `make test-sanitize` runs it.
#   tests/sanitize/run.sh BUILD_DIR [CTEST ARGUMENTS...]
# Every sanitized process of the suite (the unit tests, and every greenlight
# a shell test starts, serve, its step and check children that are greenlight
# again) writes its reports to a file of its own in BUILD_DIR/sanitizer-reports
# rather than on its standard error: a shell test often captures, compares or
# discards a command's stderr, and a report there would be lost or would fail
# the test for a wrong reason. A memory error, undefined behaviour or a leak
# makes the process exit non-zero (the test that checks its status fails) and
# leaves a report; after ctest every report is printed and any report fails
# the suite, whether or not a test noticed it.
set -uo pipefail
[[ $# -ge 1 ]] || { echo "usage: $0 BUILD_DIR [CTEST ARGUMENTS...]" >&2; exit 2; }
build=$(cd "$1" && pwd) || exit 2
shift
here=$(cd "$(dirname "$0")" && pwd)
if ! grep -q '^GREENLIGHT_SANITIZE:BOOL=ON$' "$build/CMakeCache.txt" 2>/dev/null; then
  echo "$build is not a sanitized build (configure it with -DGREENLIGHT_SANITIZE=ON)" >&2
  exit 2
fi
reports=$build/sanitizer-reports
rm -rf "$reports"
mkdir -p "$reports"
# Tests run greenlight as other users too (nobody, refused by serve): they
# must be able to write their reports.
chmod 1777 "$reports"

# ASan: leaks checked at every exit (LeakSanitizer), use after return and
# initialisation order checked too; a report names its executable and PID.
export ASAN_OPTIONS="detect_leaks=1:detect_stack_use_after_return=1:check_initialization_order=1:abort_on_error=0:log_exe_name=1:log_path=$reports/asan"
# Leaks of third-party code only, each explained there.
export LSAN_OPTIONS="suppressions=$here/lsan.supp:print_suppressions=0"
# UBSan: stops at the first finding (the build has -fno-sanitize-recover).
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_exe_name=1:log_path=$reports/ubsan"

# The nodeset differential test starts greenlight once per case, and an
# instrumented process starts slowly: 300 random cases here (besides the
# golden ones) look for memory errors; `make test` checks the semantics on
# its 3000.
export NODESET_CASES=${NODESET_CASES:-300}

ctest --test-dir "$build" --output-on-failure "$@"
rc=$?
found=("$reports"/*)
if [[ -e ${found[0]} ]]; then
  for report in "${found[@]}"; do
    echo "==== ${report#"$build"/}"
    cat "$report"
  done
  echo "sanitizers: ${#found[@]} report(s) in $reports" >&2
  exit 1
fi
echo "sanitizers: no report (ASan, LeakSanitizer, UBSan)"
exit "$rc"
