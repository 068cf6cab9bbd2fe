#!/usr/bin/env bash
# greenlight config check on the example site (valid) and a broken copy.
set -uo pipefail
src=${GREENLIGHT_SOURCE_DIR:?}
gl=${GREENLIGHT:?}
source "$(dirname "$0")/../support/check.sh"
out=$("$gl" config check "$src/examples/ocean/site.yaml" 2>&1); rc=$?
check "example is valid (rc $rc: $out)" test "$rc" -eq 0
check "example summary" grep -q "valid. site ocean: 23 hosts.*3 runbooks (shutdown, startup, restart)" <<<"$out"
out=$("$gl" config check "$src/tests/fixtures/config/broken.yaml" 2>&1); rc=$?
check "broken copy exits 1 (rc $rc)" test "$rc" -eq 1
check "every error is counted" grep -q "broken.yaml: 14 errors" <<<"$out"
check "unknown key with hint" grep -qF "broken.yaml:5:5: error: host 'top[1-3]': unknown key 'adress' (did you mean 'address'?)" <<<"$out"
check "error in an included file" grep -qF "broken-checks.yaml:4:11: error: check 'heal': host 'top9' is not in hosts" <<<"$out"
out=$(GREENLIGHT_CONFIG="$src/examples/ocean/site.yaml" "$gl" config check 2>&1); rc=$?
check "GREENLIGHT_CONFIG is the default (rc $rc)" test "$rc" -eq 0
"$gl" config 2>/dev/null; rc=$?
check "usage error exits 2 (rc $rc)" test "$rc" -eq 2
out=$("$gl" -c "$src/examples/ocean/site.yaml" nodeset -f @hypervisors -x top1); rc=$?
check "site groups in nodeset ($out)" test "$out" = "top[2-3],worker[01-04]"
out=$("$gl" -c "$src/examples/ocean/site.yaml" runbook list); rc=$?
check "runbook list (rc $rc)" grep -q "^restart .*19 phases" <<<"$out"
out=$("$gl" -c "$src/examples/ocean/site.yaml" runbook plan startup); rc=$?
check "runbook plan expands commands (rc $rc)" grep -qF "fleetctl start --no-block pcocc-vm-infra1 pcocc-vm-infra2" <<<"$out"
"$gl" -c "$src/examples/ocean/site.yaml" runbook plan nosuch 2>/dev/null; rc=$?
check "unknown runbook exits 1 (rc $rc)" test "$rc" -eq 1
bad=$(mktemp)
printf 'hosts:\n  a: {self: true}\nchecks:\n  p: {kind: fping, targts: "a"}\n' >"$bad"
out=$("$gl" config check "$bad" 2>&1); rc=$?
check "a kind's own parameters are validated (rc $rc)" grep -qF "4:20: error: check 'p': unknown key 'targts' (did you mean 'targets'?)" <<<"$out"
rm -f "$bad"
echo "$passed passed, $failed failed"
test "$failed" -eq 0
