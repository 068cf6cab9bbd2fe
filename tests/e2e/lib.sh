# shellcheck shell=bash disable=SC2154
# What the end-to-end tests read: greenlight's journal, /api/v1 and /metrics
# through the lab's forwarder, and the lab hosts' own records (each host's
# DIR/HOST/commands.log, written by lab/host/record: commands received over
# SSH and the stand-ins run there; top1's GlusterFS cmd_history.log), never
# greenlight's word alone. Sourced by tests/e2e/*_test.sh after tests/support/check.sh,
# with dir (the lab's folder), lab (the lab/lab command array) and gl set.

now_ms() { echo $(($(date +%s%N) / 1000000)); }
on() { "${lab[@]}" exec "$@"; }
api() { curl -s --max-time 5 "http://127.0.0.1:$(cat "$dir/forward.port")$1"; }
# ready: serve on top1 answers on the lab's network and its control socket is there.
ready() { "${lab[@]}" ws curl -sf -o /dev/null --max-time 2 http://10.1.0.1:9877/-/ready 2>/dev/null && [ -S "$dir/control.sock" ]; }
# terminal NAME: an operator's terminal for a client (CLIENT <"$work/NAME"):
# the fifo $work/NAME, kept open on descriptor $tty; answers are typed with
# echo LINE >&"$tty" once the client asked (a client reads ahead what it is
# given).
terminal() {
  [ -p "$work/$1" ] || mkfifo "$work/$1"
  # shellcheck disable=SC2034
  exec {tty}<>"$work/$1"
}
# run_state RUN: the run's state in /api/v1/runs.
run_state() {
  api /api/v1/runs | /usr/bin/python3 -c '
import json, sys
print(" ".join(r["state"] for r in json.load(sys.stdin)["runs"] if r["id"] == sys.argv[1]))' "$1" 2>&1
}

# journal_of RUN: the journal file of a run.
journal_of() { echo "$dir/runs/$1/journal"; }
# record JOURNAL EVENT [PHASE [STEP]]: the first record of EVENT (in PHASE,
# STEP), as "UNIX_MS<TAB>DETAIL"; nothing when there is none.
record() {
  awk -F'\t' -v e="$2" -v p="${3:-}" -v s="${4:-}" \
    '$3 == e && (p == "" || $4 == p) && (s == "" || $5 == s) { print $2 "\t" $6; exit }' "$1" 2>/dev/null
}
# wait_record SECONDS JOURNAL EVENT [PHASE [STEP]]: record, once written.
wait_record() {
  local seconds=$1 deadline found
  shift
  deadline=$(($(date +%s) + seconds))
  while [ "$(date +%s)" -le "$deadline" ]; do
    found=$(record "$@")
    [ -n "$found" ] && { echo "$found"; return 0; }
    sleep 0.2
  done
  return 1
}
# newest_run RUNBOOK [EXCEPT]: the newest run of RUNBOOK other than EXCEPT
# (run names end with their start time, RUNBOOK-YYYYMMDD-HHMMSS).
newest_run() {
  local journal
  for journal in $(printf '%s\n' "$dir"/runs/"$1"-*/journal | sort -r); do
    [ -e "$journal" ] || continue
    journal=$(basename "$(dirname "$journal")")
    [ "$journal" != "${2:-}" ] && { echo "$journal"; return 0; }
  done
  return 1
}
# ended_with CLIENT RC WHAT: the client process ended with exit code RC.
ended_with() {
  local rc
  wait "$1"
  rc=$?
  check "$3 (rc $rc)" test "$rc" -eq "$2"
  [ "$rc" -eq "$2" ]
}
# finished_run WHAT CLIENT OUT: the client following $run (its output in
# OUT) ended with 0, the journal says the run finished and `runbook log`
# reads every record of it (each record's checksum).
finished_run() {
  ended_with "$2" 0 "$1: the run finishes" || tail -20 "$3"
  check "$1: journal: run-finished" test -n "$(record "$journal" run-finished)"
  check "$1: runbook log verifies the journal" "$gl" runbook log "$run" >/dev/null
}
# step_pids JOURNAL PHASE STEP: the PIDs (in greenlight's host) of the
# commands the step started, from its step-process records.
step_pids() {
  awk -F'\t' -v p="$2" -v s="$3" '$3 == "step-process" && $4 == p && $5 == s' "$1" |
    grep -o 'pid=[0-9]*' | cut -d= -f2
}
# runs_on HOST PID...: one of the PIDs still runs on HOST (its process
# table); ended_on HOST PID...: none does.
runs_on() {
  local pid
  for pid in "${@:2}"; do on "$1" test -e "/proc/$pid" && return 0; done
  return 1
}
ended_on() { ! runs_on "$@"; }
# crash_serve WHAT: greenlight serve on top1 killed with SIGKILL, then started
# again as top1's boot starts it (lab/lab fault serve-kill, repair serve);
# returns once it is ready.
crash_serve() {
  local out
  out=$("${lab[@]}" fault serve-kill 2>&1)
  check "$1: serve killed ($out)" grep -q SIGKILL <<<"$out"
  "${lab[@]}" repair serve >/dev/null
  wait_for 60 ready
  check "$1: serve started again on top1, as its boot starts it" ready
}
# held_on HOST PATTERN: HOST's own record of a command it holds (lab fault
# hold) matches PATTERN.
held_on() { grep -Eq -- "$2" "$dir/$1/held" 2>/dev/null; }
# wait_for SECONDS CMD...: CMD until it succeeds, tried every 0.3 s
# (every $WAIT_STEP s when set).
wait_for() {
  local deadline=$(($(date +%s) + $1))
  shift
  until "$@"; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep "${WAIT_STEP:-0.3}"
  done
}
# says TEXT PATTERN...: TEXT matches every PATTERN (extended regular expressions).
says() {
  local text=$1 pattern
  shift
  for pattern in "$@"; do grep -Eq -- "$pattern" <<<"$text" || return 1; done
}
# gate_json NAME: the gate's entry of /api/v1/gates (latest run first), one line.
gate_json() {
  api /api/v1/gates | /usr/bin/python3 -c '
import json, sys
gates = [g for g in json.load(sys.stdin).get("gates", []) if g.get("name") == sys.argv[1]]
if gates:
    print(json.dumps(gates[-1]))' "$1" 2>/dev/null
}
# gate_says NAME STATUS PATTERN...: the gate is STATUS and its entry matches
# every PATTERN (extended regular expressions).
gate_says() {
  local name=$1 status=$2 entry
  shift 2
  entry=$(gate_json "$name")
  grep -q "\"status\": \"$status\"" <<<"$entry" && says "$entry" "$@"
}

# host_records HOST [SINCE_MS]: HOST's own record of the commands it
# received, from SINCE_MS on: UNIX_MS<TAB>HOW<TAB>COMMAND.
host_records() { awk -F'\t' -v since="${2:-0}" '$1 >= since' "$dir/$1/commands.log" 2>/dev/null; }
# gluster_cli HOST [SINCE_MS]: the gluster CLI commands glusterd on HOST
# carried out (its cmd_history.log), as UNIX_MS<TAB>COMMAND.
gluster_cli() {
  /usr/bin/python3 - "$dir/$1/glusterfs-log/cmd_history.log" "${2:-0}" <<'EOF'
import datetime, re, sys
since = int(sys.argv[2])
for line in open(sys.argv[1], errors="replace"):
    m = re.match(r"\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+) \+0000\]\s+: (.*?) : SUCCESS", line)
    if not m:
        continue
    at = datetime.datetime.strptime(m.group(1)[:26], "%Y-%m-%d %H:%M:%S.%f")
    ms = int(at.replace(tzinfo=datetime.timezone.utc).timestamp() * 1000)
    if ms >= since:
        print("%d\t%s" % (ms, m.group(2)))
EOF
}
# first_at SINCE_MS PATTERN HOST...: the earliest time a host recorded a
# command matching PATTERN (extended regular expression) from SINCE_MS on,
# gluster CLI commands of top1 included; nothing when none did.
first_at() {
  local since=$1 pattern=$2 host
  shift 2
  {
    for host in "$@"; do host_records "$host" "$since" | awk -F'\t' '{ print $1 "\t" $2 " " $3 }'; done
    gluster_cli top1 "$since"
  } | grep -E "$pattern" | sort -n | head -1 | cut -f1
}
# last_at SINCE_MS PATTERN HOST...: the latest such time, as first_at.
last_at() {
  local since=$1 pattern=$2 host
  shift 2
  for host in "$@"; do host_records "$host" "$since" | awk -F'\t' '{ print $1 "\t" $2 " " $3 }'; done |
    grep -E "$pattern" | sort -n | tail -1 | cut -f1
}
# count_of SINCE_MS PATTERN HOST...: how many records match, as first_at;
# "no record of HOST" (not a number: a count check fails) when a host's
# record or top1's cmd_history.log is missing, never 0 for want of a look.
count_of() {
  local since=$1 pattern=$2 host
  shift 2
  for host in "$@"; do
    [ -r "$dir/$host/commands.log" ] || { echo "no record of $host"; return; }
  done
  [ -r "$dir/top1/glusterfs-log/cmd_history.log" ] || { echo "no record of top1's glusterd"; return; }
  {
    for host in "$@"; do host_records "$host" "$since" | awk -F'\t' '{ print $2 " " $3 }'; done
    gluster_cli top1 "$since" | cut -f2
  } | grep -cE "$pattern"
}

# twice SINCE_MS [FROM_MS TO_MS]...: every command of the restart's steps a host recorded more
# than once from SINCE_MS on, as "HOST COUNT HOW COMMAND"; nothing when
# none was: what the physical hosts received over SSH (unmount, glusterd's
# stop, pkill, poweroff, fleet's start), the stand-ins' poweroff and top1's
# fleetctl stop and start, and the volume stops and starts top1's glusterd
# carried out. The checks' own commands (they repeat) are not among them,
# nor what hosts recorded from each FROM_MS to its TO_MS (a gate remedy's
# window, an operator's retry-failed).
twice() {
  local host since=$1
  shift
  for host in top1 top2 top3 worker01 worker02 islet01 islet02; do
    [ -r "$dir/$host/commands.log" ] || { echo "$host: no record to read"; continue; }
    host_records "$host" "$since" |
      awk -F'\t' -v windows="$*" '
        BEGIN { n = split(windows, w, " ") }
        { for (i = 1; i + 1 <= n; i += 2) if ($1 >= w[i] && $1 <= w[i + 1]) next }   # done again on purpose
        ($2 == "ssh" && $3 ~ /^(umount |systemctl (stop|start) (glusterd|fleet)$|pkill |poweroff$)/) ||
        $2 == "poweroff" || ($2 == "fleetctl" && $3 ~ /^(start|stop) /) { print $2 " " $3 }' |
      sort | uniq -c | awk -v host="$host" '$1 > 1 { print host, $0 }'
  done
  # Never "nothing twice" for want of glusterd's record.
  [ -r "$dir/top1/glusterfs-log/cmd_history.log" ] || { echo "top1: no glusterd record to read"; return; }
  gluster_cli top1 "$since" | cut -f2 | grep -E '^volume (start|stop) ' | sort | uniq -c | awk '$1 > 1 { print "top1", $0 }'
}

# running_vms: the VMs fleet says run, and whose host has processes.
running_vms() {
  local vm
  for vm in $(on top1 fleetctl list-units --fields unit,active,sub --no-legend |
              awk '$2 == "active" && $3 == "running" { sub(/^pcocc-vm-/, "", $1); sub(/\.service$/, "", $1); print $1 }' | sort); do
    [ -n "$(ip netns pids "lab$LAB_ID-$vm" 2>/dev/null)" ] && echo "$vm"
  done
}

# Samples greenlight serve on top1 (every process named greenlight in
# top1's network namespace) once a second into FILE: PID, peak RSS in kB
# (VmHWM), CPU ticks (utime + stime). serve_sampler FILE &
serve_sampler() {
  local pid
  while :; do
    for pid in $(ip netns pids "lab$LAB_ID-top1" 2>/dev/null); do
      [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = greenlight ] || continue
      echo "$pid $(awk '/^VmHWM/ { print $2 }' "/proc/$pid/status" 2>/dev/null) $(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null)"
    done >>"$1"
    sleep 1
  done
}
# serve_figures FILE: "peak RSS MB, CPU s" over every serve process sampled,
# the CPU of the serve sampled first counted from that sample (the one
# running when the run started), of later ones (top1's boot) from their start.
serve_figures() {
  awk -v hz="$(getconf CLK_TCK)" 'NF == 3 {
      if (first == "") first = $1
      if (!($1 in base)) base[$1] = ($1 == first) ? $3 : 0
      if ($2 > peak) peak = $2; cpu[$1] = $3 - base[$1] }
    END { for (p in cpu) total += cpu[p]; printf "%.1f MB peak RSS, %.1f s CPU\n", peak / 1024, total / hz }' "$1"
}
