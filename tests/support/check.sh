# The bookkeeping of the shell tests. Source it, then:
#   check DESCRIPTION COMMAND...   runs COMMAND, counts it passed or failed
#                                  (and says which failed, with DESCRIPTION)
#   wait_for TENTHS COMMAND...     true once COMMAND succeeds, tried every
#                                  0.1 s, at most TENTHS times
# and end with: echo "$passed passed, $failed failed"; test "$failed" -eq 0
passed=0 failed=0
check() {
  local what=$1; shift
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $what"; fi
}
wait_for() {  # tenths, command...: true once the command succeeds
  local tries=$1; shift
  for _ in $(seq "$tries"); do "$@" && return 0; sleep 0.1; done
  return 1
}
