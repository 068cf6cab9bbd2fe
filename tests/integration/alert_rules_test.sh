#!/usr/bin/env bash
# The alert rules load in Prometheus's own checker and every alert fires and
# stays quiet as its promtool tests say (alerts/tests/*.yml).
set -uo pipefail
src=${GREENLIGHT_SOURCE_DIR:?}
promtool=${PROMTOOL:-/usr/bin/promtool}
source "$(dirname "$0")/../support/check.sh"
check "promtool is installed (Debian package prometheus)" test -x "$promtool"
check "promtool check rules" "$promtool" check rules "$src/alerts/greenlight.rules.yml"
# Every alert of the rules file has at least one promtool test.
for alert in $(sed -n 's/^ *- alert: *//p' "$src/alerts/greenlight.rules.yml"); do
  check "alert $alert is tested" grep -qs "alertname: $alert\$" "$src"/alerts/tests/*.yml
  check "alert $alert is tested firing" \
    bash -c "grep -h -A1 'alertname: $alert\$' '$src'/alerts/tests/*.yml | grep -q 'exp_alerts:\$'"
  check "alert $alert is tested quiet" \
    bash -c "grep -h -A1 'alertname: $alert\$' '$src'/alerts/tests/*.yml | grep -q 'exp_alerts: \[\]'"
done
(cd "$src/alerts/tests" && "$promtool" test rules ./*.yml)
check "promtool test rules alerts/tests/*.yml" test $? -eq 0
echo "$passed passed, $failed failed"
test "$failed" -eq 0
