# shellcheck shell=bash disable=SC2154
# The stuck-heal alert (alerts/greenlight.rules.yml, GlusterHealStuck)
# evaluated by promtool on the series serve exports while heals are pending
# ($pending: gluster_volume_heal_count lines of /metrics with a count above
# zero): each series held at its value for 45 minutes fires the alert for
# its brick at 40 minutes. Sourced by faulted_restart.sh.
tests=$work/heal-alert.yml
{
  echo "rule_files: [$src/alerts/greenlight.rules.yml]"
  echo "evaluation_interval: 1m"
  echo "tests:"
  echo "  - interval: 1m"
  echo "    input_series:"
  while read -r series value; do
    echo "      - series: '$series'"
    echo "        values: '${value}x45'"
  done <<<"$pending"
  echo "    alert_rule_test:"
  echo "      - eval_time: 40m"
  echo "        alertname: GlusterHealStuck"
  echo "        exp_alerts:"
  while read -r series value; do
    brick=$(sed -E 's/.*brick="([^"]*)".*/\1/' <<<"$series")
    echo "          - exp_labels: {severity: warning, check: gluster-heal, volume: volspoms1, brick: \"$brick\"}"
    echo "            exp_annotations:"
    echo "              summary: \"Heal stuck on $brick (volspoms1)\""
    echo "              description: \"$value entries pending on $brick and not decreasing for 30 minutes.\""
  done <<<"$pending"
} >"$tests"
out=$(promtool test rules "$tests" 2>&1)
check "faulted: promtool: GlusterHealStuck fires on the exported series of volspoms1 $(tail -3 <<<"$out")" \
  grep -q SUCCESS <<<"$out"
