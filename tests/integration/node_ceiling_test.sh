#!/usr/bin/env bash
# A node set far above any real cluster (a typo such as n[1-999999999]) is
# refused with the size and the ceiling before memory grows, by every command
# that would expand it: nodeset -e, nodeset -R -e, exec -w. Counting and
# folding such a set stay fine (they never expand it). GREENLIGHT_MAX_NODES
# raises the ceiling. A single range of 10^9 indexes or more is refused as
# ClusterShell refuses it ("range too large").
set -uo pipefail
gl=${GREENLIGHT:?}
src=${GREENLIGHT_SOURCE_DIR:?}
source "$(dirname "$0")/../support/check.sh"
# Under ASan (make test-sanitize) shadow memory and redzones about double a
# process's peak: the bound with them.
asan_factor=1
ldd "$gl" | grep -q libasan && asan_factor=2
refused() {  # command words...: fails within 5 s, naming the ceiling, its peak under 200 MiB
  local out peak
  out=$(/usr/bin/time -f 'peak %M KB' timeout 5 "$gl" "$@" 2>&1 >/dev/null)
  [ $? -ne 0 ] && [[ $out == *"more than the 1000000 greenlight acts on at once"* ]] ||
    { echo "  got: $out"; return 1; }
  peak=$(grep -o 'peak [0-9]*' <<<"$out" | awk '{print $2}')
  [ "${peak:-999999999}" -lt $((204800 * asan_factor)) ] || { echo "  peak ${peak} KB"; return 1; }
}
check "nodeset -e of 10^9 - 1 names is refused" refused nodeset -e 'n[1-999999999]'
check "nodeset -R -e of 10^9 - 1 indexes is refused" refused nodeset -R -e '1-999999999'
check "exec -w of 2*10^6 nodes is refused" refused -c "$src/examples/loopback/site.yaml" \
  exec -w 'n[1-2000000]' -- true
check "nodeset -c of 10^9 - 1 names counts" test "$("$gl" nodeset -c 'n[1-999999999]')" = 999999999
check "nodeset -f of 10^9 - 1 names folds" test "$("$gl" nodeset -f 'n[1-999999999]')" = 'n[1-999999999]'
too_large=$("$gl" nodeset -c 'n[1-1000000000]' 2>&1)
too_large_rc=$?
check "a range of 10^9 indexes is refused as ClusterShell refuses it (rc $too_large_rc: $too_large)" \
  test "$too_large_rc" -ne 0 -a "${too_large/range too large/}" != "$too_large"
check "GREENLIGHT_MAX_NODES raises the ceiling" \
  test "$(GREENLIGHT_MAX_NODES=3000000 "$gl" nodeset -e 'n[1-2000000]' | wc -w)" = 2000000

# In a runbook the same sets are errors at load, at their line, before any
# plan or run: a step's on:, its exclude and a {{ nodes() }} of its command.
work=$(mktemp -d /tmp/greenlight-ceiling.XXXXXX)
trap 'rm -rf "$work"' EXIT
cat >"$work/site.yaml" <<YAML
site: t
hosts:
  here: {self: true}
runbooks:
  runs: $work/runs
  inline:
    typo:
      phases:
        - name: only
          steps:
            - run: {on: "n[1-100000000]", command: "true"}
            - run: {on: self, command: "echo {{ nodes('m[1-100000000]') }}"}
YAML
load_refused() {
  local out rc peak
  out=$(/usr/bin/time -f 'peak %M KB' timeout 5 "$gl" -c "$work/site.yaml" runbook check typo 2>&1); rc=$?
  peak=$(grep -o 'peak [0-9]*' <<<"$out" | awk '{print $2}')
  [ "$rc" -ne 0 ] && [ "${peak:-999999999}" -lt $((204800 * asan_factor)) ] &&
    grep -q 'site.yaml:11:.*n\[1-100000000\]: 100000000 nodes, more than the 1000000' <<<"$out" &&
    grep -q "site.yaml:12:.*m\[1-100000000\]: 100000000 nodes, more than the 1000000" <<<"$out" ||
    { echo "  rc $rc, peak $peak KB: $out"; return 1; }
}
check "a runbook's on: and {{ nodes() }} above the ceiling are load errors at their line" load_refused
echo "$passed passed, $failed failed"
test "$failed" -eq 0
