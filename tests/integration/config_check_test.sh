#!/usr/bin/env bash
# greenlight config check on the example site (valid) and a broken copy.
set -uo pipefail
src=${GREENLIGHT_SOURCE_DIR:?}
gl=${GREENLIGHT:?}
source "$(dirname "$0")/../support/check.sh"
source "$(dirname "$0")/../support/alias_bomb.sh"
out=$("$gl" config check "$src/examples/ocean/site.yaml" 2>&1); rc=$?
check "example is valid (rc $rc: $out)" test "$rc" -eq 0
check "example summary" grep -q "valid. site ocean: 151 hosts.*3 runbooks (shutdown, startup, restart)" <<<"$out"
out=$("$gl" config check "$src/tests/fixtures/config/broken.yaml" 2>&1); rc=$?
check "broken copy exits 1 (rc $rc)" test "$rc" -eq 1
check "every error is counted" grep -q "broken.yaml: 15 errors" <<<"$out"
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

# What can be known before a run is an error at load, each with its place.
work=$(mktemp -d /tmp/greenlight-config-check.XXXXXX)
printf 'site: t\nhosts:\n  a: {self: true}\nchecks:\n  c: {kind: command, command: ["true"], interval: 0s}\n' >"$work/zero.yaml"
out=$("$gl" config check "$work/zero.yaml" 2>&1); rc=$?
check "interval: 0s is refused (rc $rc: $out)" grep -qF "zero.yaml:5:51: error: check 'c': interval: must be more than 0" <<<"$out"
: >"$work/empty.yaml"
out=$("$gl" config check "$work/empty.yaml" 2>&1); rc=$?
check "an empty file is not a configuration (rc $rc: $out)" grep -q "empty.yaml is empty" <<<"$out"
out=$("$gl" config check "$work" 2>&1); rc=$?
check "a directory is not a configuration (rc $rc: $out)" grep -q "is a directory, not a configuration file" <<<"$out"
printf 'site: t\nhosts:\n\ta: {self: true}\n' >"$work/tab.yaml"
out=$("$gl" config check "$work/tab.yaml" 2>&1); rc=$?
check "a tab in indentation is named as such (rc $rc: $out)" grep -q "tab.yaml:3:.*tab characters are not allowed for indentation" <<<"$out"
# Under ASan (make test-sanitize) shadow memory, redzones and the quarantine
# of freed blocks about double a process's peak: the memory bounds with them.
asan_factor=1
ldd "$gl" | grep -q libasan && asan_factor=2
{ alias_bomb; echo "site: t"; } >"$work/bomb.yaml"
out=$(/usr/bin/time -f 'peak %M KB' "$gl" config check "$work/bomb.yaml" 2>&1); rc=$?
check "an alias bomb is refused before memory grows (rc $rc: $(tail -1 <<<"$out"))" \
  grep -q "values, aliases expanded" <<<"$out"
peak=$(grep -o 'peak [0-9]*' <<<"$out" | awk '{print $2}')
check "reading it stays under $((200 * asan_factor)) MiB (${peak} KB)" test "${peak:-999999999}" -lt $((204800 * asan_factor))
for listen in '999.1.1.1:19893' '[::1]:9877' 'localhost:9877' '127.0.0.1:99999'; do
  printf 'site: t\nhosts:\n  a: {self: true}\nexporter:\n  listen: "%s"\n' "$listen" >"$work/listen.yaml"
  out=$("$gl" config check "$work/listen.yaml" 2>&1); rc=$?
  check "listen $listen is refused with its reason (rc $rc: $out)" grep -q "listen.yaml:5:.*exporter: listen: '" <<<"$out"
done
printf 'site: t\nhosts:\n  a: {self: true}\nexporter:\n  basic_auth_file: %s/none.htpasswd\n' "$work" >"$work/auth.yaml"
out=$("$gl" config check "$work/auth.yaml" 2>&1); rc=$?
check "a missing authentication file is an error at load (rc $rc: $out)" grep -q "auth.yaml:5:.*basic_auth_file: .*none.htpasswd is not a readable file" <<<"$out"
# A file serve would refuse at start is refused by config check too, and
# neither says what the file holds.
printf 'ops:ClearPassw0rd\n' >"$work/clear.htpasswd"
printf 'site: t\nhosts:\n  a: {self: true}\nexporter:\n  basic_auth_file: clear.htpasswd\n' >"$work/clear.yaml"
out=$("$gl" config check "$work/clear.yaml" 2>&1); rc=$?
check "a password in clear in the basic-auth file is refused by config check (rc $rc: $out)" \
  grep -q "clear.yaml:5:3: error: exporter: .*clear.htpasswd:1: user ops: not a password hash" <<<"$out"
check "  without showing it" test "$(grep -c ClearPassw0rd <<<"$out")" -eq 0
printf 'S3cr3tT0ken-abc\n' >"$work/tokens"
printf 'site: t\ninclude: tokens\nhosts:\n  a: {self: true}\n' >"$work/inc.yaml"
out=$("$gl" config check "$work/inc.yaml" 2>&1); rc=$?
check "a file of tokens given to include: is refused (rc $rc: $out)" grep -q "tokens:1:1: error: a configuration file must be a mapping, not a single value" <<<"$out"
check "  without showing the token" test "$(grep -c S3cr3tT0ken <<<"$out")" -eq 0
cat >"$work/book.yaml" <<'YAML'
site: t
hosts:
  a: {self: true, bmc: 10.9.0.1}
  b: {}
  c: {bmc: 10.9.0.3}
groups:
  all: a,b,c
power:
  command: ipmitool -H {bmc} chassis power {action}
runbooks:
  inline:
    book:
      phases:
        - name: one
          steps:
            - run: {on: a, command: 'echo {{ nodes("@nosuch") }}'}
            - power: {on: "@all", action: "off"}
YAML
out=$("$gl" config check "$work/book.yaml" 2>&1); rc=$?
check "an unknown group inside {{ nodes() }} is an error at load (rc $rc: $out)" \
  grep -q "book.yaml:16:.*command: unknown group \"@nosuch\"" <<<"$out"
check "a power step on a host with no BMC is an error at load" \
  grep -q "book.yaml:17:.*b has no BMC address" <<<"$out"
# A node set far above any cluster (a typo in a range) is refused before memory grows.
out=$(/usr/bin/time -f 'peak %M KB' "$gl" exec -w 'node[1-100000000]' -- true 2>&1); rc=$?
check "exec over 100M nodes is refused at once (rc $rc: $(head -1 <<<"$out"))" \
  grep -q "100000000 nodes, more than the 1000000 greenlight acts on at once" <<<"$out"
peak=$(grep -o 'peak [0-9]*' <<<"$out" | awk '{print $2}')
check "refusing it stays under $((100 * asan_factor)) MiB (${peak} KB)" test "${peak:-999999999}" -lt $((102400 * asan_factor))
cat >"$work/big.yaml" <<'YAML'
site: t
hosts:
  a: {self: true}
runbooks:
  inline:
    big:
      phases:
        - name: one
          steps:
            - run: {on: "node[1-100000000]", command: "true"}
YAML
out=$("$gl" -c "$work/big.yaml" runbook plan big 2>&1); rc=$?
check "a step over 100M nodes is an error at load, at its line, before any plan (rc $rc: $out)" \
  grep -q "big.yaml:10:25: error: phase 'one' step 1 (run): on: node\[1-100000000\]: 100000000 nodes, more than the 1000000" <<<"$out"
check "... and no plan is shown (rc $rc)" eval '[ "$rc" -ne 0 ] && ! grep -q "^ *step 1 run on" <<<"$out"' 
# A check's node-set parameter is refused by its size, before it is expanded,
# by config check and by greenlight check alike.
printf 'site: t\nhosts:\n  a: {self: true}\nchecks:\n  p: {kind: fping, targets: "node[1-100000000]"}\n' >"$work/targets.yaml"
out=$(/usr/bin/time -f 'peak %M KB %e s' "$gl" config check "$work/targets.yaml" 2>&1); rc=$?
check "config check refuses a check's targets over 100M nodes (rc $rc: $(head -1 <<<"$out"))" \
  grep -qF "targets.yaml:5:29: error: targets: node[1-100000000]: 100000000 nodes, more than the 1000000 greenlight acts on at once" <<<"$out"
check "it exits 1 (rc $rc)" test "$rc" -eq 1
peak=$(grep -o 'peak [0-9]*' <<<"$out" | awk '{print $2}')
check "refusing it stays under $((200 * asan_factor)) MiB (${peak} KB)" test "${peak:-999999999}" -lt $((204800 * asan_factor))
secs=$(grep -o 'KB [0-9.]* s' <<<"$out" | awk '{print int($2)}')
check "refusing it takes under 5 s (${secs} s)" test "${secs:-999}" -lt 5
out=$(/usr/bin/time -f 'peak %M KB %e s' "$gl" -c "$work/targets.yaml" check 2>&1); rc=$?
check "greenlight check refuses it too, with its place (rc $rc: $(head -1 <<<"$out"))" \
  grep -qF "targets.yaml:5:29: error: targets: node[1-100000000]: 100000000 nodes" <<<"$out"
check "as an invalid configuration (rc $rc)" test "$rc" -eq 3
peak=$(grep -o 'peak [0-9]*' <<<"$out" | awk '{print $2}')
check "greenlight check stays under $((200 * asan_factor)) MiB (${peak} KB)" test "${peak:-999999999}" -lt $((204800 * asan_factor))
printf 'site: t\nhosts:\n  a: {self: true}\nchecks:\n  u: {kind: fleet_units, vms: "vm1", unit_format: "pcocc-vm.service"}\n' >"$work/unit.yaml"
out=$("$gl" config check "$work/unit.yaml" 2>&1); rc=$?
check "a unit_format without %s is an error at load (rc $rc: $out)" \
  grep -q "unit.yaml:5:.*unit_format \"pcocc-vm.service\" must contain %s exactly once" <<<"$out"
# A TLS error does not hide the others: every error of the file at once.
cat >"$work/tls.yaml" <<YAML
site: t
hosts:
  a: {self: true}
exporter:
  tls_certificate: $work/none.crt
  tls_key: $work/none.key
checks:
  c: {kind: command, command: ["true"], interval: 0s}
  p: {kind: fping, targts: "a"}
YAML
out=$("$gl" config check "$work/tls.yaml" 2>&1); rc=$?
check "a TLS error is reported (rc $rc: $out)" grep -q "tls.yaml:5:.*none.crt" <<<"$out"
check "beside the TLS error, the interval error" grep -q "tls.yaml:8:.*interval: must be more than 0" <<<"$out"
# An error inside one check's parameters does not hide another check's error.
cat >"$work/two.yaml" <<'YAML'
hosts:
  a: {self: true}
checks:
  c: {kind: command, command: [true], intervall: 3s}
  d: {kind: command, command: [true], interval: 0s}
YAML
out=$("$gl" config check "$work/two.yaml" 2>&1); rc=$?
check "a check's unknown key is listed beside another's error (rc $rc: $out)" \
  grep -qF "two.yaml:4:39: error: check 'c': unknown key 'intervall'" <<<"$out"
check "beside it, the interval error" grep -qF "two.yaml:5:49: error: check 'd': interval: must be more than 0" <<<"$out"
check "both are counted" grep -q "two.yaml: 2 errors$" <<<"$out"
check "it exits 1 (rc $rc)" test "$rc" -eq 1
out=$("$gl" config check "$work/two.yaml" -o json 2>/dev/null); rc=$?
check "-o json lists both (rc $rc: $out)" \
  python3 -c 'import json,sys; d=json.load(sys.stdin); assert [(e["line"], e["column"]) for e in d["errors"]] == [(4, 39), (5, 49)], d' <<<"$out"
out=$("$gl" -c "$work/two.yaml" check 2>&1); rc=$?
check "greenlight check lists both too (rc $rc: $out)" \
  grep -c "error: check '[cd]'" <<<"$out" | grep -qx 2
rm -rf "$work"

echo "$passed passed, $failed failed"
test "$failed" -eq 0
