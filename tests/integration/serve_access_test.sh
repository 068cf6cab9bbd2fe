#!/usr/bin/env bash
# greenlight serve with the exporter's optional authentication: 401 without
# credentials or with wrong ones, 200 with the right password (basic, crypt
# hashes) or token (bearer), /-/healthy open to probes; gzip; SIGHUP
# re-reading the files; HTTPS with the configured certificate (Debian 12's
# CivetWeb through exporter/openssl_compat), a mismatched key refused.
set -uo pipefail
source "$(dirname "$0")/../support/serve_port.sh"
gl=${GREENLIGHT:?}
src=${GREENLIGHT_SOURCE_DIR:?}
fixtures="$src/tests/fixtures/exporter"
work=$(mktemp -d /tmp/greenlight-access.XXXXXX)
pid=""
trap '[[ -n "$pid" ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$work"' EXIT
source "$(dirname "$0")/../support/check.sh"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$work/key.pem" -out "$work/cert.pem" 2>"$work/openssl.log"
check "a certificate was made ($(tail -1 "$work/openssl.log"))" test -s "$work/cert.pem"
cp "$fixtures/htpasswd" "$fixtures/tokens" "$work/"
cat >"$work/site.yaml" <<'YAML'
site: access
hosts:
  self-host: {address: 127.0.0.1, self: true}
exporter:
  listen: "127.0.0.1:0"
  basic_auth_file: htpasswd
  bearer_token_file: tokens
checks:
  true-command: {kind: command, command: ["true"]}
YAML

"$gl" -c "$work/site.yaml" serve >"$work/out" 2>&1 &
pid=$!
port=$(serve_port "$work/out" 100)
check "serve listens ($(cat "$work/out"))" test -n "$port"
url="http://127.0.0.1:$port"
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
check "/-/healthy answers without credentials" test "$(code "$url/-/healthy")" = 200
check "/metrics without credentials: 401" test "$(code "$url/metrics")" = 401
check "the 401 asks for basic authentication" \
  grep -qi '^www-authenticate: Basic realm="greenlight"' <(curl -s -D - -o /dev/null "$url/metrics")
check "/metrics with the password: 200" test "$(code -u operator:restart-2026 "$url/metrics")" = 200
check "the body is the metrics" grep -q '^greenlight_build_info' <(curl -s -u operator:restart-2026 "$url/metrics")
check "a wrong password: 401" test "$(code -u operator:restart-2025 "$url/metrics")" = 401
check "an unknown user: 401" test "$(code -u nobody:restart-2026 "$url/metrics")" = 401
check "the bearer token: 200" test "$(code -H 'Authorization: Bearer s3cr3t-token-for-prometheus' "$url/api/v1/checks")" = 200
check "a wrong token: 401" test "$(code -H 'Authorization: Bearer nope' "$url/api/v1/checks")" = 401
check "the status page needs credentials too" test "$(code "$url/")" = 401
check "/-/ready needs credentials" test "$(code "$url/-/ready")" = 401
# gzip when asked for (Prometheus asks), plain otherwise.
curl -s --compressed -D "$work/gz-headers" -o "$work/gz-body" -u operator:restart-2026 "$url/metrics"
check "/metrics is sent gzip-compressed when asked" grep -qi '^content-encoding: gzip' "$work/gz-headers"
check "the compressed body is the metrics" grep -q '^greenlight_build_info' "$work/gz-body"
curl -s -D "$work/plain-headers" -o /dev/null -u operator:restart-2026 "$url/metrics"
check "/metrics is plain when gzip is not asked for" bash -c "! grep -qi '^content-encoding' '$work/plain-headers'"

# SIGHUP reads the authentication files again.
reloads() { grep -c 'SIGHUP: reloaded' "$work/out"; }
hangup() {  # waits for the next "reloaded" or "not valid" line
  local before=$(grep -c 'SIGHUP' "$work/out")
  kill -HUP "$pid"
  for _ in $(seq 100); do
    [[ $(grep -c 'SIGHUP' "$work/out") -gt $before ]] && return 0
    sleep 0.1
  done
  return 1
}
echo 'rotated-token-2026' >"$work/tokens"
check "SIGHUP reloads ($(tail -2 "$work/out"))" hangup
check "SIGHUP: the reload is logged" test "$(reloads)" -eq 1
check "after SIGHUP the old token is refused" test "$(code -H 'Authorization: Bearer s3cr3t-token-for-prometheus' "$url/metrics")" = 401
check "after SIGHUP the new token is accepted" test "$(code -H 'Authorization: Bearer rotated-token-2026' "$url/metrics")" = 200
printf 'operator\n' >"$work/htpasswd"
hangup
check "SIGHUP with a malformed password file is refused, naming it ($(tail -2 "$work/out"))" \
  bash -c "grep -q 'SIGHUP: .*htpasswd:1: expected user:HASH' '$work/out' && grep -q 'keeping the running configuration' '$work/out'"
check "the refused reload keeps the running credentials" test "$(code -u operator:restart-2026 "$url/metrics")" = 200
check "the refused reload keeps the running token" test "$(code -H 'Authorization: Bearer rotated-token-2026' "$url/metrics")" = 200
cp "$fixtures/htpasswd" "$work/htpasswd"

kill -TERM "$pid"; wait "$pid"; rc=$?; pid=""
check "SIGTERM stops it (rc $rc)" test "$rc" -eq 0

# A malformed password file is refused at start, naming file and line.
printf 'operator\n' >"$work/htpasswd"
timeout 10 "$gl" -c "$work/site.yaml" serve >"$work/out2" 2>&1
rc=$?
check "a malformed password file is refused (rc $rc: $(cat "$work/out2"))" \
  bash -c "[[ $rc -eq 1 ]] && grep -q 'htpasswd:1: expected user:HASH' '$work/out2'"

# A password written in clear, not a hash: refused, naming file, line and
# user (it would lock everybody out).
printf 'operator:restart-2026\n' >"$work/htpasswd"
timeout 10 "$gl" -c "$work/site.yaml" serve >"$work/out2" 2>&1
rc=$?
check "a password in clear is refused (rc $rc: $(cat "$work/out2"))" \
  bash -c "[[ $rc -eq 1 ]] && grep -q 'htpasswd:1: user operator: not a password hash' '$work/out2'"
check "... and the clear password is not echoed" bash -c "! grep -q 'restart-2026' '$work/out2'"

# TLS: HTTPS only on the port, with the same authentication.
cp "$fixtures/htpasswd" "$work/htpasswd"
sed -i 's|^exporter:|exporter:\n  tls_certificate: cert.pem\n  tls_key: key.pem|' "$work/site.yaml"
"$gl" -c "$work/site.yaml" serve >"$work/out3" 2>&1 &
pid=$!
port=$(serve_port "$work/out3" 100)
check "serve listens with TLS ($(cat "$work/out3"))" bash -c "[[ -n '$port' ]] && grep -q 'TLS)' '$work/out3'"
tls="https://127.0.0.1:$port"
check "HTTPS /metrics with the password: 200" \
  test "$(code --cacert "$work/cert.pem" -u operator:restart-2026 "$tls/metrics")" = 200
check "HTTPS /metrics without credentials: 401" test "$(code --cacert "$work/cert.pem" "$tls/metrics")" = 401
check "the HTTPS body is the metrics" \
  grep -q '^greenlight_build_info' <(curl -s --cacert "$work/cert.pem" -u operator:restart-2026 "$tls/metrics")
check "the certificate is the configured one" \
  bash -c "openssl s_client -connect 127.0.0.1:$port -servername 127.0.0.1 </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256 | cmp -s - <(openssl x509 -in '$work/cert.pem' -noout -fingerprint -sha256)"
check "TLS 1.1 is refused" bash -c "! openssl s_client -connect 127.0.0.1:$port -tls1_1 </dev/null >/dev/null 2>&1"
check "plain HTTP on the TLS port gets no answer" \
  bash -c "[[ \$(curl -s -m 5 -o /dev/null -w '%{http_code}' 'http://127.0.0.1:$port/-/healthy') != 200 ]]"
kill -TERM "$pid"; wait "$pid"; rc=$?; pid=""
check "SIGTERM stops the TLS server (rc $rc)" test "$rc" -eq 0

# A key that does not match the certificate is refused at start.
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=other -keyout "$work/other-key.pem" \
  -out "$work/other-cert.pem" 2>/dev/null
sed -i 's|tls_key: key.pem|tls_key: other-key.pem|' "$work/site.yaml"
timeout 10 "$gl" -c "$work/site.yaml" serve >"$work/out4" 2>&1
rc=$?
check "a key that does not match the certificate is refused (rc $rc: $(cat "$work/out4"))" \
  bash -c "[[ $rc -eq 1 ]] && grep -q 'with TLS' '$work/out4'"
echo "$passed passed, $failed failed"
test "$failed" -eq 0
