#!/usr/bin/env bash
# lab/lab up and down N times (20 by default), printing each cycle's times
# and what it leaked: namespaces of the lab, processes naming its folder,
# mounts, files left in the folder, changes outside it. Not part of
# `make test` (about 30 s a cycle). Root only.
#   lab/stress.sh [N] [--greenlight PATH]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cycles=${1:-20}
shift || true
dir=$(mktemp -d /tmp/greenlight-lab-stress-XXXXXX)
outside() { ls -A /var/lib/glusterd /var/log/glusterfs | md5sum; md5sum /etc/hosts /etc/resolv.conf; }
before=$(outside)
leaks=0
for cycle in $(seq "$cycles"); do
  t=$(date +%s%N)
  if ! bash "$here/lab" -d "$dir" up "$@" >"$dir.up.log" 2>&1; then
    echo "cycle $cycle: up failed: $(tail -2 "$dir.up.log")"
  fi
  up=$((($(date +%s%N) - t) / 1000000))
  id=$(sed -n 's/^LAB_ID=//p' "$dir/cluster.env" 2>/dev/null)
  t=$(date +%s%N)
  bash "$here/lab" -d "$dir" down
  down=$((($(date +%s%N) - t) / 1000000))
  left=""
  [[ -n $id ]] && left+=$(ip netns list | grep "^lab$id-" | awk '{printf " netns:%s", $1}')
  left+=$(pgrep -f "$dir" | awk '{printf " pid:%s", $1}')
  grep -q "$dir" /proc/self/mountinfo && left+=" mounts"
  [[ -e $dir ]] && left+=" files:$(find "$dir" | wc -l)"
  [[ $(outside) != "$before" ]] && left+=" outside-changed"
  [[ -n $left ]] && leaks=$((leaks + 1))
  echo "cycle $cycle: up ${up} ms, down ${down} ms, leaked:${left:- nothing}"
  mkdir -p "$dir"
done
rm -rf "$dir" "$dir.up.log"
echo "$cycles cycles, $leaks with leaks"
[[ $leaks == 0 ]]
