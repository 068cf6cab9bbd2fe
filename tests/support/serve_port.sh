# Source it, then: port=$(serve_port LOG [TENTHS])
# waits (up to TENTHS tenths of a second, default 100) until the
# `greenlight serve` writing LOG says "listening on port N", prints N; prints
# nothing when it never does.
serve_port() {
  local log=$1 tries=${2:-100} port=""
  for _ in $(seq "$tries"); do
    port=$(grep -o 'listening on port [0-9]*' "$log" 2>/dev/null | awk '{print $4}')
    [[ -n "$port" ]] && break
    sleep 0.1
  done
  echo "$port"
}
