#!/usr/bin/env bash
# Part of install_test.sh: ROOT booted by systemd-nspawn, systemd as the
# container's PID 1 in a network namespace of its own (loopback only), with
# greenlight.service enabled as an administrator enables it. As after top1
# boots: serve comes up (Type=notify: active only once it said READY=1),
# names the run in_root.sh left interrupted (log and STATUS=) and does not
# resume it; /metrics answers; it shares the host's mount namespace (a
# step's umount is the host's); reload and stop work, and stop removes
# /run/greenlight.
set -euo pipefail
root=$1 work=$2
fail() { echo "FAIL: $*" >&2; exit 1; }

chroot "$root" systemctl enable greenlight.service 2>&1
echo "== systemd-nspawn --boot"
# --register=no --keep-unit: no machined nor systemd on the outside to
# talk to (this host has no systemd as PID 1).
systemd-nspawn --quiet --register=no --keep-unit --private-network -D "$root" --boot \
  >"$work/boot.log" 2>&1 </dev/null &
nspawn=$!
init=
for ((i = 0; i < 300; i++)); do
  init=$(pgrep -P "$nspawn" -x systemd || true)
  [[ -n $init ]] && break
  sleep 0.1
done
[[ -n $init ]] || { cat "$work/boot.log"; fail "no systemd started in the container"; }
inside() { nsenter -t "$init" -m -u -i -n -p -r -w "$@"; }
stop_container() {
  kill -RTMIN+4 "$init" 2>/dev/null || true  # systemd's "poweroff"
  for ((i = 0; i < 300; i++)); do kill -0 "$nspawn" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$nspawn" 2>/dev/null || true
}
trap stop_container EXIT

state=
for ((i = 0; i < 900; i++)); do
  state=$(inside systemctl is-active greenlight.service 2>/dev/null || true)
  [[ $state == active || $state == failed ]] && break
  sleep 0.1
done
inside systemctl --no-pager status greenlight.service | head -12 || true
[[ $state == active ]] || { inside journalctl --no-pager -u greenlight.service; fail "greenlight.service is $state"; }
echo "greenlight.service active after $((i / 10)) s"

status=$(inside systemctl show -p StatusText --value greenlight.service)
grep -q "run long-.* is interrupted" <<<"$status" || fail "STATUS= does not name the interrupted run: $status"
inside journalctl --no-pager -u greenlight.service >"$work/journal.txt"
grep -q "is interrupted: not resumed by serve" "$work/journal.txt" ||
  { cat "$work/journal.txt"; fail "serve's log does not name the interrupted run"; }
sleep 2
starts=$(wc -l <"$root/var/lib/greenlight/step.count")
[[ $starts -eq 1 ]] || fail "the interrupted step ran again ($starts starts)"
nsenter -t "$init" -n curl -fsS --max-time 5 http://127.0.0.1:9877/metrics -o "$work/booted-metrics.txt"
grep -q '^greenlight_build_info{' "$work/booted-metrics.txt" || fail "no /metrics from the booted serve"

main=$(inside systemctl show -p MainPID --value greenlight.service)
init_mnt=$(inside readlink /proc/1/ns/mnt)
serve_mnt=$(inside readlink "/proc/$main/ns/mnt")
[[ -n $serve_mnt && $init_mnt == "$serve_mnt" ]] ||
  fail "serve (pid $main) has a mount namespace of its own ($serve_mnt, PID 1: $init_mnt): a step's umount would not be the host's"
inside test -S /run/greenlight/control.sock || fail "no /run/greenlight/control.sock"
[[ $(inside stat -c %a /var/lib/greenlight) == 750 ]] || fail "StateDirectoryMode not applied"

inside systemctl reload greenlight.service ||
  { inside journalctl --no-pager -u greenlight.service | tail -20; fail "systemctl reload failed"; }
[[ $(inside systemctl is-active greenlight.service) == active ]] || fail "inactive after reload"
inside journalctl --no-pager -u greenlight.service | grep -q 'SIGHUP: reloaded' || fail "reload not logged"
inside systemctl stop greenlight.service
[[ $(inside systemctl is-active greenlight.service || true) == inactive ]] || fail "not inactive after stop"
inside test ! -e /run/greenlight || fail "/run/greenlight left after stop"
echo "booted: active, interrupted run named and not resumed, /metrics, reload, stop"
