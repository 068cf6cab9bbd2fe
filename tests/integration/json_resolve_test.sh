#!/usr/bin/env bash
# greenlight resolve -o json: the document validates against
# docs/schema/resolve.v1.json and says what a DNS server answered for each
# name. The server is a dnsmasq of this test alone, on 127.0.0.1 at a high
# port, answering from its own hosts file and forwarding nothing (no
# upstream, the lab domain local): neither the machine's resolver nor the
# network is asked. It is stopped by its PID at exit.
set -uo pipefail
src=${GREENLIGHT_SOURCE_DIR:?}
gl=${GREENLIGHT:?}
source "$(dirname "$0")/../support/json_doc.sh"
dns_pid=
trap '[ -n "$dns_pid" ] && kill "$dns_pid" 2>/dev/null && wait "$dns_pid" 2>/dev/null; rm -rf "$dir"' EXIT

cat >"$dir/hosts" <<'HOSTS'
10.9.8.7 good
10.9.8.8 good
10.9.8.9 other
HOSTS
# A port nobody else holds: dnsmasq exits at once when it cannot bind.
port=
for _ in $(seq 10); do
  try=$((20000 + RANDOM % 40000))
  dnsmasq --no-daemon --conf-file=/dev/null --no-resolv --no-hosts --addn-hosts="$dir/hosts" \
    --listen-address=127.0.0.1 --bind-interfaces --port="$try" \
    --local=/lab/ --domain=lab --expand-hosts >"$dir/dnsmasq.log" 2>&1 &
  dns_pid=$!
  if wait_for 50 "$gl" resolve -s "127.0.0.1:$try" -t 1s good.lab >/dev/null 2>&1; then
    port=$try
    break
  fi
  kill "$dns_pid" 2>/dev/null; wait "$dns_pid" 2>/dev/null; dns_pid=
done
if [ -z "$port" ]; then
  echo "FAILED: no dnsmasq answering on 127.0.0.1 ($(tail -3 "$dir/dnsmasq.log"))"
  exit 1
fi
server=127.0.0.1:$port

# One name with two addresses, one the server does not have.
"$gl" resolve -s "$server" -t 2s -o json good.lab missing.lab >"$dir/out.json" 2>"$dir/out.err"; rc=$?
check "valid greenlight/resolve/v1 ($(head -c 300 "$dir/out.json"))" json_valid resolve "$dir/out.json"
check "exit 1: a name has no address (rc $rc)" test "$rc" -eq 1
check "nothing on stderr ($(head -c 300 "$dir/out.err"))" test ! -s "$dir/out.err"
check "the server asked, the deadline in seconds" \
  test "$(json_value "$dir/out.json" 'd["server"], d["timeout_seconds"]')" = "('$server', 2.0)"
check "one entry per name, in the order given" \
  test "$(json_value "$dir/out.json" '[a["name"] for a in d["answers"]]')" = "['good.lab', 'missing.lab']"
check "the good name: both its addresses, no error" \
  test "$(json_value "$dir/out.json" '(sorted(d["answers"][0]["addresses"]), d["answers"][0]["error"])')" = \
  "(['10.9.8.7', '10.9.8.8'], None)"
check "the missing name: no address, NXDOMAIN" \
  test "$(json_value "$dir/out.json" '(d["answers"][1]["addresses"], d["answers"][1]["error"])')" = "([], 'NXDOMAIN')"
# dnsmasq rotates the addresses of a name from one answer to the next: each
# line is compared with its addresses sorted.
text=$("$gl" resolve -s "$server" -t 2s good.lab missing.lab)
check "the same answers as the text ($text)" \
  test "$(json_value "$dir/out.json" '"\n".join(a["name"] + ": " + ("error: " + a["error"] if a["error"] else " ".join(sorted(a["addresses"]))) for a in d["answers"])')" = \
  "$(while read -r name rest; do
       [[ $rest == error:* ]] || rest=$(tr ' ' '\n' <<<"$rest" | sort | xargs)
       echo "$name $rest"
     done <<<"$text")"

"$gl" resolve --output json -s "$server" other.lab >"$dir/ok.json"; rc=$?
check "--output json, every name found: exit 0 (rc $rc)" test "$rc" -eq 0
check "  valid, the default deadline, the address" \
  test "$(json_valid resolve "$dir/ok.json" && json_value "$dir/ok.json" 'd["timeout_seconds"], d["answers"]')" = \
  "(5.0, [{'name': 'other.lab', 'addresses': ['10.9.8.9'], 'error': None}])"

"$gl" resolve -s dns1 -o json x >"$dir/usage.out" 2>"$dir/usage.err"; rc=$?
check "a usage error: exit 2, no document (rc $rc)" test "$rc" -eq 2 -a ! -s "$dir/usage.out"
"$gl" resolve -s "$server" -o yaml x >"$dir/format.out" 2>"$dir/format.err"; rc=$?
check "an unknown format: exit 2, no document (rc $rc)" test "$rc" -eq 2 -a ! -s "$dir/format.out"
check "  naming the choices" grep -q json "$dir/format.err"
echo "$passed passed, $failed failed"
test "$failed" -eq 0
