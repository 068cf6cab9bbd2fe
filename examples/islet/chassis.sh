#!/bin/sh
# chassis.sh on|off ADDRESS...: exit 0 when every chassis reads that power
# (ipmitool, the BMC password in IPMI_PASSWORD), 1 naming those that do not,
# 2 when a BMC cannot be read.
expect=$1; shift
wrong=
for address in "$@"; do
  out=$(ipmitool -I lanplus -H "$address" -U admin -E -C 3 chassis power status 2>&1) ||
    { echo "$address: $out"; exit 2; }
  case "$out" in *"is $expect") ;; *) wrong="$wrong $address(${out##* })" ;; esac
done
[ -z "$wrong" ] && { echo "every chassis is $expect"; exit 0; }
echo "not $expect:$wrong"
exit 1
