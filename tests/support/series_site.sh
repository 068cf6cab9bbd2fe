# Source it, then: series_site DIR CHECKS INTERVAL >SITE.yaml
# writes DIR/values.txt, a Nagios plugin's output of 1000 performance values,
# and prints a site whose CHECKS nagios checks `cat` it every INTERVAL:
# CHECKS * 1000 series on /metrics (20 checks: 20k series), cheaply.
series_site() {
  local dir=$1 checks=$2 interval=$3 i
  {
    printf 'OK - 1000 values |'
    for i in $(seq 0 999); do printf " 'value_%s'=%s;;;;" "$i" "$i"; done
    printf '\n'
  } >"$dir/values.txt"
  echo "site: series"
  echo "hosts: {self: {address: 127.0.0.1, self: true}}"
  echo "checks:"
  for i in $(seq "$checks"); do
    echo "  values-$i: {kind: nagios, interval: $interval, command: [/bin/cat, $dir/values.txt]}"
  done
}
