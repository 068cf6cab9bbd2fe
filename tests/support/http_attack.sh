# The hostile-client load that tests/integration/serve_load_test.sh and
# bench/attack.sh put on an HTTP server on loopback. Source it, then:
#   http_attack_start URL SECONDS DIR   starts it against URL (http://127.0.0.1:PORT),
#                                       each tool's output in DIR
#   http_attack_wait                    waits until every tool has ended
# All at once, for SECONDS:
#   wrk -c 500 (tests/support/paced.lua): 500 clients each sending a request
#     a second, idle in between, over /, /-/healthy and /api/v1/checks
#   slowhttptest -H (slowloris): 40 new connections a second, each sending a
#     header line every 3 s and never ending its request
#   slowhttptest -B (slow body): 20 new connections a second, a POST
#     announcing 64 KiB, sent 10 bytes every 2 s
#   slowhttptest -X (slow read): 10 new connections a second asking for
#     /metrics and reading 32 bytes every 2 s through a 512-1024 byte window
#   http_hostile.py storm: 4 threads of oversized request lines and headers,
#     odd methods, bodies nobody reads, malformed requests
# Only the URL's host is contacted: callers pass 127.0.0.1.
_http_attack_support=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
_http_attack_pids=()

http_attack_start() {
  local url=$1 seconds=$2 dir=$3
  local port=${url##*:}
  case $url in http://127.0.0.1:*) ;; *) echo "http_attack: loopback only, not $url" >&2; return 1 ;; esac
  _http_attack_pids=()
  wrk -t1 -c500 -d"${seconds}s" --timeout 10s -s "$_http_attack_support/paced.lua" "$url" \
    -- 1000 / /-/healthy /api/v1/checks >"$dir/clients.txt" 2>&1 &
  _http_attack_pids+=($!)
  # -p: slowhttptest's own probe waits 3 s for an answer.
  slowhttptest -H -c $((40 * seconds)) -r 40 -i 3 -x 24 -p 3 -l "$seconds" \
    -u "$url/metrics" >"$dir/slowloris.txt" 2>&1 &
  _http_attack_pids+=($!)
  slowhttptest -B -c $((20 * seconds)) -r 20 -i 2 -x 10 -s 65536 -p 3 -l "$seconds" \
    -u "$url/api/v1/checks" >"$dir/slowbody.txt" 2>&1 &
  _http_attack_pids+=($!)
  slowhttptest -X -c $((10 * seconds)) -r 10 -n 2 -z 32 -w 512 -y 1024 -p 3 -l "$seconds" \
    -u "$url/metrics" >"$dir/slowread.txt" 2>&1 &
  _http_attack_pids+=($!)
  python3 "$_http_attack_support/http_hostile.py" storm "$port" "$seconds" >"$dir/storm.txt" 2>&1 &
  _http_attack_pids+=($!)
}

http_attack_wait() {
  local pid
  for pid in "${_http_attack_pids[@]}"; do wait "$pid" || true; done
  _http_attack_pids=()
}

# Ends the attack's tools early (on a test's exit), by the PIDs it started.
http_attack_stop() {
  local pid
  for pid in "${_http_attack_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  http_attack_wait
}

# Samples the server PID listening on PORT every 0.5 s until killed, one
# line a sample: "RSS_KiB THREADS OPEN_FDS ESTABLISHED_CONNECTIONS".
http_attack_sample() {
  local pid=$1 port=$2 out=$3
  while [[ -r /proc/$pid/status ]]; do
    echo "$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status") $(awk '/^Threads/ {print $2}' "/proc/$pid/status")" \
      "$(ls "/proc/$pid/fd" 2>/dev/null | wc -l) $(ss -Htn state established "( sport = :$port )" | wc -l)" >>"$out"
    sleep 0.5
  done
}

# For `trap http_attack_cleanup EXIT`: ends the attack's tools, then the
# caller's sampler ($sampler) and server ($pid), each by the PID the caller
# started, and removes the caller's $work directory.
http_attack_cleanup() {
  http_attack_stop
  [[ -n "${sampler:-}" ]] && kill "$sampler" 2>/dev/null
  [[ -n "${pid:-}" ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  [[ -n "${work:-}" ]] && rm -rf "$work"
  return 0
}
