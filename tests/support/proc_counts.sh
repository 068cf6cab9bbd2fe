# What a process holds, read from /proc. Source it, then:
#   fd_count PID             its open descriptors (entries of /proc/PID/fd)
#   child_count PID          the processes whose parent is PID (field 4 of
#                            /proc/*/stat, read after the command name, which
#                            may hold blanks and parentheses)
#   least SAMPLES TENTHS COMMAND...
#                            the smallest number COMMAND prints over SAMPLES
#                            tries, TENTHS tenths of a second apart: what a
#                            process holds between two bursts of work (a
#                            check running holds a child and its pipes for a
#                            moment; a leak is held in every sample)
#   processes_left SID TAG   the PIDs (one a line) still in session SID, or
#                            whose environment holds TAG (a line of
#                            /proc/PID/environ): what a process started with
#                            setsid and TAG in its environment left behind
fd_count() {
  local fds=("/proc/$1/fd/"*)
  [[ -e ${fds[0]} ]] || { echo 0; return; }
  echo "${#fds[@]}"
}
# Sets `fields` to the fields of /proc/PID/stat after "pid (comm) ":
# state ppid pgrp session ...; false when the process is gone.
_stat_fields() {
  local line
  read -r line 2>/dev/null <"$1" || return 1
  read -r -a fields <<<"${line##*) }"
}
child_count() {
  local parent=$1 stat fields n=0
  for stat in /proc/[0-9]*/stat; do
    _stat_fields "$stat" || continue
    [[ ${fields[1]} == "$parent" ]] && n=$((n + 1))
  done
  echo "$n"
}
least() {
  local samples=$1 tenths=$2 low="" n; shift 2
  for _ in $(seq "$samples"); do
    n=$("$@")
    [[ -z $low || $n -lt $low ]] && low=$n
    sleep "$((tenths / 10)).$((tenths % 10))"
  done
  echo "$low"
}
processes_left() {
  local sid=$1 tag=$2 stat fields pid
  for stat in /proc/[0-9]*/stat; do
    pid=${stat#/proc/}; pid=${pid%/stat}
    _stat_fields "$stat" || continue
    if [[ ${fields[3]} == "$sid" ]] || grep -qzxF "$tag" "/proc/$pid/environ" 2>/dev/null; then
      echo "$pid"
    fi
  done
}
