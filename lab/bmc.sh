#!/usr/bin/env bash
# BMCs for lab hosts: one OpenIPMI ipmi_sim per host, answering IPMI over LAN
# (ipmitool -I lanplus ... -U admin -P lab-bmc -C 3) on its own address and
# port, its chassis power kept in a file and acted upon by lab-chassis.
#
#   lab/bmc.sh up DIR HOST=ADDR[:PORT]...   start a BMC per host (port 623)
#   lab/bmc.sh down DIR                     stop the BMCs started in DIR
#   lab/bmc.sh power DIR HOST               print the host's power: on|off
#   lab/bmc.sh running PID                  exit 0 while PID runs (a zombie has ended)
#
# The password is lab-bmc, or $GREENLIGHT_BMC_PASSWORD (at most 16 bytes).
# DIR/HOST/ holds lan.conf, bmc.emu, state/, pid, log, power (1|0) and an
# optional executable on-power hook called with 1|0 when the power changes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
user=admin
password=${GREENLIGHT_BMC_PASSWORD:-lab-bmc}

usage() { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

write_config() {  # DIR HOST ADDR PORT
  local dir=$1 host=$2 addr=$3 port=$4
  cat >"$dir/lan.conf" <<CONF
name "$host"
set_working_mc 0x20
  startlan 1
    addr $addr $port
    priv_limit admin
    allowed_auths_callback md5
    allowed_auths_user md5
    allowed_auths_operator md5
    allowed_auths_admin md5
    guid $(printf '%s' "$host" | md5sum | cut -c1-32)
  endlan
  chassis_control "$here/bin/lab-chassis $dir"
  user 2 true "$user" "$password" admin 10 md5
CONF
  cat >"$dir/bmc.emu" <<EMU
mc_setbmc 0x20
mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr
mc_enable 0x20
EMU
}

up() {
  local root=$1; shift
  [[ $# -gt 0 ]] || usage
  mkdir -p "$root"
  local spec host addr port dir
  for spec in "$@"; do
    [[ "$spec" == *=* ]] || { echo "bmc.sh: '$spec': expected HOST=ADDR[:PORT]" >&2; exit 2; }
    host=${spec%%=*} addr=${spec#*=} port=623
    [[ "$addr" == *:* ]] && { port=${addr##*:}; addr=${addr%:*}; }
    dir="$root/$host"
    mkdir -p "$dir/state"
    [[ -f "$dir/power" ]] || echo 1 >"$dir/power"
    write_config "$dir" "$host" "$addr" "$port"
    ipmi_sim -c "$dir/lan.conf" -f "$dir/bmc.emu" -s "$dir/state" -n >"$dir/log" 2>&1 &
    echo $! >"$dir/pid"
    echo "$addr:$port" >"$dir/address"
  done
  # Ready when every BMC answers a power status.
  for spec in "$@"; do
    host=${spec%%=*}
    local tries=0
    until power "$root" "$host" >/dev/null 2>&1; do
      tries=$((tries + 1))
      if [[ $tries -ge 50 ]]; then
        echo "bmc.sh: the BMC of $host did not answer on $(cat "$root/$host/address"); its log:" >&2
        cat "$root/$host/log" >&2
        exit 1
      fi
      sleep 0.1
    done
  done
}

# True while PID runs. An exited ipmi_sim stays a zombie until PID 1 reaps
# it (seconds here) and kill -0 still succeeds on it: read its state.
running() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ "${stat%% *}" != Z ]]
}

down() {
  local root=$1 pidfile pid
  for pidfile in "$root"/*/pid; do
    [[ -f "$pidfile" ]] || continue
    pid=$(cat "$pidfile")
    if running "$pid" && grep -q ipmi_sim "/proc/$pid/cmdline" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 50); do running "$pid" || break; sleep 0.1; done
      running "$pid" && kill -9 "$pid" 2>/dev/null
    fi
    rm -f "$pidfile"
  done
}

ipmi() {  # DIR HOST ARGS...
  local root=$1 host=$2; shift 2
  local address; address=$(cat "$root/$host/address")
  ipmitool -I lanplus -H "${address%:*}" -p "${address##*:}" -U "$user" -P "$password" -C 3 "$@"
}

power() {
  local out
  out=$(ipmi "$1" "$2" chassis power status) || return 1
  case "$out" in
  *"is on"*) echo on ;;
  *"is off"*) echo off ;;
  *) echo "bmc.sh: $2: unexpected answer: $out" >&2; return 1 ;;
  esac
}

case "${1:-}" in
up) shift; [[ $# -ge 2 ]] || usage; up "$@" ;;
down) shift; [[ $# -eq 1 ]] || usage; down "$1" ;;
power) shift; [[ $# -eq 2 ]] || usage; power "$1" "$2" ;;
running) shift; [[ $# -eq 1 ]] || usage; running "$1" ;;
*) usage ;;
esac
