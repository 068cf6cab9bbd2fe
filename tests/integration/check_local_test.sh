#!/usr/bin/env bash
# greenlight check against real programs on this host (loopback only): fping,
# a monitoring-plugins plugin, commands that fail and hang.
set -uo pipefail
gl=${GREENLIGHT:?}
site="${GREENLIGHT_SOURCE_DIR:?}/tests/fixtures/config/local-checks.yaml"
source "$(dirname "$0")/../support/check.sh"
out=$("$gl" -c "$site" check ping-loopback dummy-warning true-command); rc=$?
check "worst status warning gives exit 1 (rc $rc)" test "$rc" -eq 1
check "fping over @loopback is ok ($out)" grep -qE '^ping-loopback +OK +.*2 targets up' <<<"$out"
check "plugin warning is shown" grep -qE '^dummy-warning +WARNING +.*disk almost full' <<<"$out"
out=$("$gl" -c "$site" check false-command); rc=$?
check "failed command is critical, exit 2 (rc $rc)" test "$rc" -eq 2
check "its message is the last line it printed ($out)" grep -q "volume volspoms1 is not started" <<<"$out"
start=$(date +%s%N)
out=$("$gl" -c "$site" check slow-command); rc=$?
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
check "hung command is unknown, exit 3 (rc $rc)" test "$rc" -eq 3
check "it is killed at its timeout ($elapsed_ms ms: $out)" test "$elapsed_ms" -lt 4000
check "the message says it timed out" grep -q "timed out" <<<"$out"
out=$("$gl" -c "$site" check remote-peers); rc=$?
check "a check on another host goes over SSH and says why it cannot run (rc $rc)" grep -q "cannot connect to 127.0.0.9 port 22: .*refused" <<<"$out"
check "an unreachable host makes the check unknown" test "$rc" -eq 3
out=$("$gl" -c "$site" check -o json ping-loopback); rc=$?
check "json output" /usr/bin/python3 -c 'import json,sys; d=json.loads(sys.argv[1])["checks"]; assert d[0]["check"]=="ping-loopback" and d[0]["status"]=="OK"' "$out"
"$gl" -c "$site" check nosuch 2>/dev/null; rc=$?
check "unknown check name exits 3 (rc $rc)" test "$rc" -eq 3
echo "$passed passed, $failed failed"
test "$failed" -eq 0
