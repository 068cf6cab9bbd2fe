#!/usr/bin/env bash
# Names from dynamic sources, through the real binary: a fleetctl that lists
# hostile unit names (node set syntax, shell metacharacters, a leading '-',
# control bytes) and a ClusterShell upcall source that answers hostile group
# and node names. `greenlight nodeset`, `exec` and `runbook exec` refuse
# them, naming the source, the name escaped and why, before any command is
# built; the canary files a successful injection would create stay absent.
set -uo pipefail
# Nothing leaves this test, whatever a name would make a broken build
# resolve or connect to: a network namespace of its own, loopback only.
if [[ -z ${GREENLIGHT_TEST_NETNS:-} ]]; then
  exec unshare -n env GREENLIGHT_TEST_NETNS=1 bash "$0" "$@"
fi
ip link set lo up
gl=${GREENLIGHT:?}
work=$(mktemp -d /tmp/greenlight-names.XXXXXX)
trap 'rm -rf "$work"' EXIT
source "$(dirname "$0")/../support/check.sh"
canaries() { find "$work" -name 'CANARY*' | wc -l; }

# The fleet check reads this listing (fleetctl's --fields unit,machine,active,sub).
cat >"$work/fleetctl" <<EOF
#!/bin/sh
cat "$work/listing"
EOF
chmod +x "$work/fleetctl"
listing() {  # one unit per argument, each running
  : >"$work/listing"
  for unit in "$@"; do printf '%s\tm1/127.0.0.1\tactive\trunning\n' "$unit" >>"$work/listing"; done
}
cat >"$work/site.yaml" <<EOF
site: names
hosts:
  here: {self: true}
groups:
  vms: admin[1-2]
checks:
  fleet-units: {kind: fleet_units, vms: "@vms", expect: any, command: ["$work/fleetctl"], timeout: 5s}
runbooks:
  runs: runs
  inline:
    stop-vms:
      description: stop the running VMs (here, a canary per VM)
      phases:
        - name: stop
          steps:
            - run: {on: "@vm:running", command: "touch $work/CANARY-step-\$(hostname)"}
            - run: {on: self, command: "touch $work/CANARY-template-{{ nodes('@vm:running') }}"}
EOF
gln() { "$gl" -c "$work/site.yaml" "$@" </dev/null 2>&1; }
refused() { [[ $1 -ne 0 ]] && grep -qF -- "$3" <<<"$2"; }  # RC OUTPUT TEXT

# 1. A VM name that is node set syntax: "admin2,here" would fold into two
#    names and bring the site's own host into @vm:running.
listing pcocc-vm-admin1.service 'pcocc-vm-admin2,here.service'
out=$(gln nodeset -f @vm:running); rc=$?
check "nodeset refuses @vm:running (rc $rc: $out)" test "$rc" -ne 0
check "the error names the check, the name and why" grep -qF \
  "the vm facts of check 'fleet-units': refusing the vm name 'admin2,here': it holds ','" <<<"$out"
out=$(gln exec -w @vm:running -- touch "$work/CANARY-exec"); rc=$?
check "exec refuses it (rc $rc: $out)" refused "$rc" "$out" "refusing the vm name 'admin2,here'"
out=$(gln runbook exec stop-vms --yes); rc=$?
check "runbook exec pauses on the step (rc $rc)" test "$rc" -eq 3
check "the pause names the refusal ($out)" grep -qF "refusing the vm name 'admin2,here'" <<<"$out"
check "no command ran: no canary ($(find "$work" -name 'CANARY*'))" test "$(canaries)" -eq 0
run=$(ls "$work/runs" | grep '^stop-vms-')
"$gl" -c "$work/site.yaml" runbook abort "$run" --reason "test: done" >/dev/null 2>&1

# 2. Shell metacharacters, a leading '-': each refused. (fleetctl lines with
#    control bytes are refused by the listing's parser already.)
for name in 'x;touch${IFS}CANARY' 'a$(touch${IFS}CANARY)' '-oProxyCommand=touch${IFS}CANARY'; do
  listing pcocc-vm-admin1.service "pcocc-vm-$name.service"
  out=$(gln nodeset -e @vm:running); rc=$?
  check "nodeset refuses a VM named ${name@Q} (rc $rc: ${out@Q})" \
    refused "$rc" "$out" "refusing the vm name"
  out=$(gln exec -w @vm:running -- true); rc=$?
  check "exec refuses a VM named ${name@Q} (rc $rc)" refused "$rc" "$out" "refusing the vm name"
done
listing pcocc-vm-admin1.service 'pcocc-vm--oProxyCommand=x.service'
out=$(gln nodeset -e @vm:running)
check "a leading '-' is said to read as an option" grep -qF -- "starts with '-' (it would read as an option)" <<<"$out"
listing pcocc-vm-admin1.service pcocc-vm-admin2.service
check "plain names still resolve" test "$(gln nodeset -f @vm:running)" = "admin[1-2]"

# 3. A ClusterShell upcall source: its answers are names the upcalls' shell
#    would run if they went back into $GROUP unchecked.
mkdir "$work/cs"
cat >"$work/cs/groups.conf" <<'EOF'
[Main]
default: evil
[evil]
map: sh $CFGDIR/map.sh $GROUP
list: sh $CFGDIR/list.sh
EOF
cat >"$work/cs/map.sh" <<'EOF'
case $1 in
  nested) echo '@evil:g;:>CANARY-nested' ;;
  dash) echo '-oProxyCommand=:>CANARY-dash' ;;
  semi) echo 'node1;:>CANARY-semi' ;;
  ctrl) printf 'a\033[31mb\n' ;;
  *) echo node1 ;;
esac
EOF
echo 'echo "fine g;:>CANARY-list"' >"$work/cs/list.sh"
export CLUSTERSHELL_CFGDIR="$work/cs"
out=$(gln nodeset -e @evil:fine)
check "a plain answer resolves ($out)" test "$out" = node1
out=$(gln nodeset -e @evil:nested); rc=$?
check "a group named in an answer is refused before its upcall (rc $rc: $out)" \
  refused "$rc" "$out" "group source \"evil\": refusing the group name 'g;:>CANARY-nested'"
out=$(gln nodeset -e @evil:*); rc=$?
check "a listed group name is refused before the map upcall (rc $rc: $out)" \
  refused "$rc" "$out" "refusing the group name 'g;:>CANARY-list'"
out=$(gln nodeset -l -s evil); rc=$?
check "nodeset -l -s evil refuses it too (rc $rc)" refused "$rc" "$out" "refusing the group name"
out=$(gln nodeset -e @evil:semi); rc=$?
check "a node name with ';' is refused (rc $rc: $out)" \
  refused "$rc" "$out" "refusing the node name 'node1;:>CANARY-semi'"
out=$(gln nodeset -e @evil:ctrl); rc=$?
check "a control byte is refused, shown escaped (rc $rc: ${out@Q})" \
  refused "$rc" "$out" "refusing the node name 'a\x1b[31mb': it holds the control byte 0x1b"
out=$(gln exec -w @evil:dash -- true); rc=$?
check "exec refuses a node named -oProxyCommand=... (rc $rc: $out)" \
  refused "$rc" "$out" "refusing the node name '-oProxyCommand=:>CANARY-dash'"
check "no upcall ran a hostile name: no canary ($(find "$work" -name 'CANARY*'))" test "$(canaries)" -eq 0
echo "$passed passed, $failed failed"
test "$failed" -eq 0
