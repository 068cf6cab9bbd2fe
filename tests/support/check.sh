# The bookkeeping of the shell tests. Source it, then:
#   check DESCRIPTION COMMAND...   runs COMMAND, counts it passed or failed
#                                  (and says which failed, with DESCRIPTION)
# and end with: echo "$passed passed, $failed failed"; test "$failed" -eq 0
passed=0 failed=0
check() {
  local what=$1; shift
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $what"; fi
}
