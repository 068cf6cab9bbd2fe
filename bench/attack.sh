#!/usr/bin/env bash
# Hostile clients, side by side: the attack of tests/support/http_attack.sh
# (500 paced clients, slowloris, slow body, slow read, oversized and odd
# requests) for DURATION_S against `greenlight serve` with 20k series, then
# the same against Debian's prometheus-node-exporter serving the same 20k
# series (its textfile collector, plus its own collectors) on another
# loopback port: what an administrator would otherwise run. A normal scraper
# (wrk, 4 connections, a gzip scrape every 100 ms each) measures /metrics
# without and during the attack. Writes the "Hostile clients" section of
# bench/RESULTS.md. Loopback only.
# Usage: bench/attack.sh BUILD_DIR [DURATION_S]
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
duration=${2:-30}
here=$(cd "$(dirname "$0")" && pwd)
support="$here/../tests/support"
source "$support/http_attack.sh"
source "$support/serve_port.sh"
source "$support/series_site.sh"
gl="$build/app/greenlight"
exporter=/usr/bin/prometheus-node-exporter
work=$(mktemp -d /tmp/greenlight-attack.XXXXXX)
pid="" sampler=""
trap http_attack_cleanup EXIT

series_site "$work" 20 2s >"$work/site.yaml"

wait_ready() {  # URL PATH
  for _ in $(seq 200); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' "$1$2") == 200 ]] && return 0
    sleep 0.1
  done
  echo "not ready: $1$2" >&2
  return 1
}

scrape() {  # URL SECONDS OUT: the normal scraper
  wrk -t1 -c4 -d"${2}s" --latency --timeout 5s -H "Accept-Encoding: gzip" \
    -s "$support/paced.lua" "$1" -- 100 /metrics >"$3" 2>&1 || true
}

latency() { awk -v p="$1" '$1 == p {print $2}' "$2"; }
errors() { grep -E 'Socket errors|Non-2xx|timeout' "$1" | tr -s ' ' | paste -sd ';' || true; }

measure() {  # LABEL URL: a row of the table for the server $pid at URL
  local label=$1 url=$2 port=${2##*:} series
  series=$(curl -s "$url/metrics" | grep -vc '^#' || true)
  scrape "$url" 10 "$work/quiet.txt"
  : >"$work/samples"
  http_attack_sample "$pid" "$port" "$work/samples" &
  sampler=$!
  http_attack_start "$url" "$duration" "$work"
  sleep 5
  scrape "$url" $((duration - 8)) "$work/under.txt"
  http_attack_wait
  kill "$sampler"; wait "$sampler" 2>/dev/null || true; sampler=""
  local rss peak_rss peak_conn storm clients
  rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
  peak_rss=$(awk '$1 > m {m = $1} END {print m + 0}' "$work/samples")
  peak_conn=$(awk '$4 > m {m = $4} END {print m + 0}' "$work/samples")
  storm=$(head -1 "$work/storm.txt" | sed 's/^hostile requests: //')
  clients=$(awk '/requests in/ {print $1}' "$work/clients.txt")
  echo "| $label | $series | $(latency 50% "$work/quiet.txt") | $(latency 99% "$work/quiet.txt") |" \
    "$(latency 50% "$work/under.txt") | $(latency 99% "$work/under.txt") |" \
    "$(awk '/requests in/ {print $1}' "$work/under.txt") | $(errors "$work/under.txt" | sed 's/^$/none/') |" \
    "$clients | $peak_conn | $((peak_rss / 1024)) | $((rss / 1024)) | $storm |" >>"$work/rows"
  echo "== $label"; cat "$work/quiet.txt" "$work/under.txt" "$work/clients.txt"
  tail -n 12 "$work/slowloris.txt" | sed 's/\x1b\[[0-9;]*[A-Za-z]//g'
}

: >"$work/rows"
load_before=$(cut -d" " -f1-3 /proc/loadavg)

"$gl" -c "$work/site.yaml" serve --listen 127.0.0.1:0 >"$work/serve.log" 2>&1 &
pid=$!
port=$(serve_port "$work/serve.log" 100)
[[ -n "$port" ]] || { echo "greenlight serve did not start:" >&2; cat "$work/serve.log" >&2; exit 1; }
wait_ready "http://127.0.0.1:$port" /-/ready
sleep 2
# The same series for node_exporter's textfile collector.
mkdir "$work/textfile"
curl -s "http://127.0.0.1:$port/metrics" >"$work/textfile/greenlight.prom"
measure "greenlight serve" "http://127.0.0.1:$port"
kill "$pid"; wait "$pid" || true; pid=""

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$exporter" --web.listen-address="127.0.0.1:$port" --collector.textfile.directory="$work/textfile" \
  >"$work/exporter.log" 2>&1 &
pid=$!
wait_ready "http://127.0.0.1:$port" /metrics
measure "prometheus-node-exporter $("$exporter" --version 2>&1 | awk 'NR == 1 {print $3}')" "http://127.0.0.1:$port"
kill "$pid"; wait "$pid" || true; pid=""

section=$(cat <<MD
## Hostile clients

\`bash bench/attack.sh BUILD_DIR\` (run by \`make bench\`), $(date -u '+%Y-%m-%d %H:%M UTC'),
load average before the run: $load_before, after: $(cut -d" " -f1-3 /proc/loadavg) (the machine is shared),
$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -r).
Each server in turn, alone on the machine's loopback, serves the same ~20k
series (greenlight: 20 nagios checks of 1000 values, every 2 s;
prometheus-node-exporter: the same exposition in its textfile collector,
with its default collectors), and gets for ${duration} s the attack of
\`tests/support/http_attack.sh\`: 500 clients each sending a request a second
(wrk), slowloris (\`slowhttptest -H\`, 40 new connections a second), slow
body (\`slowhttptest -B\`, 20 a second), slow read (\`slowhttptest -X\`, 10
a second) and 4 threads of oversized and odd requests. The scraper is wrk
with 4 connections, each a gzip scrape of /metrics every 100 ms; "quiet" is
10 s of it alone, "attack" $((duration - 8)) s of it during the attack.

| server | series | quiet p50 | quiet p99 | attack p50 | attack p99 | scrapes | scraper errors | client requests | peak connections | peak RSS MiB | RSS MiB after | hostile requests |
|---|---|---|---|---|---|---|---|---|---|---|---|---|
$(cat "$work/rows")

How to read it: "peak connections" counts the TCP connections open to the
server at once (\`ss\`, twice a second): greenlight drops a slow client 5 s
after its worker started reading, node_exporter keeps them. "hostile
requests" counts the answers that were what HTTP says for greenlight (HEAD
without a body, 405, 501, 400), so node_exporter's "not" are other
answers, not failures to answer. node_exporter's textfile collector parses
the 1.4 MiB file on every scrape (about 0.6 s here), so even alone 4
scrapers every 100 ms queue behind one another; during the attack the slow
readers of /metrics hold its 40 parallel scrapes (\`--web.max-requests\`) and
the scraper gets 503 (checked with 50 parallel curls: 503 past 40). The
machine is shared: compare the two rows of one run, not runs of different
days.
MD
)
/usr/bin/python3 "$here/write_section.py" "$here/RESULTS.md" "$section"
echo "$section"
