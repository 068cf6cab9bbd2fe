#!/usr/bin/env bash
# Part of install_test.sh: greenlight as installed in ROOT, chrooted, in the
# network namespace this runs in (only loopback, brought up here):
# --version, `config check` of the installed site, serve answering /metrics
# over HTTP and over TLS (the compatibility libraries where the package put
# them). Then a run of a test site left interrupted (its process killed by
# SIGKILL mid-step) in /var/lib/greenlight, for booted.sh.
set -euo pipefail
root=$1 work=$2
ip link set lo up
fail() { echo "FAIL: $*" >&2; exit 1; }
in_root() { chroot "$root" "$@"; }

echo "== what the package installed"
conffiles=$(in_root dpkg-query -W -f='${Conffiles}\n' greenlight)
for file in greenlight.yaml checks.yaml runbooks/restart.yaml; do
  grep -q "/etc/greenlight/$file " <<<"$conffiles" || fail "/etc/greenlight/$file is not a conffile"
done
compat=$(in_root dpkg -L greenlight | grep '/greenlight/libgreenlight-openssl-compat.so$') ||
  fail "no compatibility library in the package"
echo "compatibility library: $compat"
for dir in /usr/share/greenlight/dashboards /usr/share/greenlight/alerts /usr/share/doc/greenlight \
  /var/lib/greenlight /usr/share/greenlight/examples/ocean; do
  [[ -d $root$dir ]] || fail "$dir missing"
done
[[ -f $root/lib/systemd/system/greenlight.service ]] || fail "no greenlight.service"
for file in /usr/share/man/man1/greenlight.1.gz /usr/share/man/man5/greenlight.yaml.5.gz \
  /usr/share/bash-completion/completions/greenlight /usr/share/doc/greenlight/json.md \
  /usr/share/doc/greenlight/schema/check.v1.json /usr/share/doc/greenlight/status-page.png; do
  [[ -f $root$file ]] || fail "$file missing"
done
zcat "$root/usr/share/man/man1/greenlight.1.gz" | grep -qi '^\.TH "\?greenlight' ||
  fail "greenlight.1.gz is not a man page"
# The programs greenlight runs come with the package's dependencies.
for program in fping ipmitool ssh gluster pgrep; do
  in_root sh -c "command -v $program" >/dev/null || fail "$program is not installed with the package"
done

echo "== greenlight --version"
version=$(in_root greenlight --version)
echo "$version"
[[ $version == "greenlight "[0-9]* ]] || fail "greenlight --version printed '$version'"

echo "== greenlight config check"
in_root greenlight config check | tee "$work/check.txt"
grep -q '/etc/greenlight/greenlight.yaml: valid. site ocean' "$work/check.txt" ||
  fail "config check did not find the installed site valid"

# serve: the installed site's checks run (their hosts are unreachable from
# here: nothing leaves this namespace) and /metrics answers on loopback.
serve_until_metrics() {  # LISTEN CONFIG URL LOG
  local listen=$1 config=$2 url=$3 log=$4
  # chroot executes greenlight: $! is serve itself.
  chroot "$root" greenlight -c "$config" serve --listen "$listen" >"$log" 2>&1 &
  local pid=$! i status=0
  for ((i = 0; i < 100; i++)); do
    if curl -fsS -k --max-time 2 "$url" -o "$work/metrics.txt" 2>/dev/null; then break; fi
    kill -0 "$pid" 2>/dev/null || { cat "$log"; fail "greenlight serve exited"; }
    sleep 0.2
  done
  kill -TERM "$pid"
  wait "$pid" || status=$?
  [[ $status -eq 0 ]] || { cat "$log"; fail "greenlight serve exited with status $status on SIGTERM"; }
  grep -q '^greenlight_build_info{' "$work/metrics.txt" || { cat "$log"; fail "no /metrics from $url"; }
  echo "$url: $(grep -c '^[a-z]' "$work/metrics.txt") series"
}
echo "== greenlight serve"
serve_until_metrics 127.0.0.1:9877 /etc/greenlight/greenlight.yaml http://127.0.0.1:9877/metrics \
  "$work/serve.log"
grep -q 'runs are submitted on /run/greenlight/control.sock' "$work/serve.log" ||
  { cat "$work/serve.log"; fail "serve made no control socket in /run/greenlight"; }

echo "== greenlight serve over TLS"
tls=$root/tmp/tls
mkdir -p "$tls"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost -keyout "$tls/key.pem" \
  -out "$tls/cert.pem" 2>/dev/null
cat >"$tls/site.yaml" <<'EOF'
site: tls
hosts:
  localhost: {address: 127.0.0.1, self: true}
checks:
  ping-loopback: {kind: fping, targets: localhost, count: 1}
exporter:
  listen: 127.0.0.1:9878
  tls_certificate: cert.pem
  tls_key: key.pem
EOF
serve_until_metrics 127.0.0.1:9878 /tmp/tls/site.yaml https://127.0.0.1:9878/metrics "$work/tls.log"


# The site booted.sh starts serve with: loopback only, and a run of it left
# interrupted mid-step, as when top1 loses power during a restart.
echo "== a run left interrupted in /var/lib/greenlight/runs"
cat >"$root/etc/greenlight/greenlight.yaml" <<'EOF'
site: booted
hosts:
  here: {address: 127.0.0.1, self: true}
checks:
  loopback: {kind: fping, targets: here, count: 1}
exporter:
  listen: 127.0.0.1:9877
runbooks:
  inline:
    long:
      phases:
        - name: only
          steps:
            - run: {on: self, command: "echo started >> /var/lib/greenlight/step.count; exec sleep 600", timeout: 15m}
EOF
chroot "$root" greenlight runbook exec long --yes >"$work/exec.log" 2>&1 </dev/null &
exec_pid=$!
for ((i = 0; i < 100; i++)); do
  [[ -s $root/var/lib/greenlight/step.count ]] && break
  sleep 0.1
done
[[ -s $root/var/lib/greenlight/step.count ]] || { cat "$work/exec.log"; fail "the run's step did not start"; }
# greenlight killed outright (nothing journals the end of the step), then
# the step's command (its child, listed before greenlight goes).
steps=$(pgrep -P "$exec_pid" || true)
kill -KILL "$exec_pid"
wait "$exec_pid" 2>/dev/null || true
for step in $steps; do kill -KILL "$step"; done
chroot "$root" greenlight runbook status | tee "$work/status.txt"
grep -q 'interrupted' "$work/status.txt" || fail "the run is not interrupted"
