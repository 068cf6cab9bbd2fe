# shellcheck shell=bash disable=SC2154,SC2034
# Scenario 6, a node lost during a `run` step of the site's own restart:
# hooks the faulted restart (faulted_restart.sh) calls around its
# unmount-glusterfs phase (`umount -a -t fuse.glusterfs` on @top,@worker
# over SSH). worker02 holds the command it received (lab fault hold: its
# own record says it has it), then its link is cut (lab fault link-down):
# the step fails on worker02 alone once its command's deadline passes (the
# lab site's ssh command_timeout, 30 s), naming worker02 and why; the run
# asks the operator (/api/v1/runs: asking), offering retry-failed on
# worker02 alone; the link back, `retry-failed` runs the command again on
# worker02 only (the hosts' own records: top2, top3 and worker01 received it
# once, worker02 twice, the second time after the answer). Sets lost_ms,
# lost_from and lost_to (the window in which worker02 received it twice).

# node_lost_arm: before the unmount step: worker02 will hold the command.
node_lost_arm() {
  local out
  out=$("${lab[@]}" fault hold worker02 '^umount -a -t fuse\.glusterfs$' 2>&1)
  check "lost: worker02 holds the unmount when it comes ($out)" grep -q 'worker02 holds every command' <<<"$out"
}

# node_lost OUT: the run followed by a client whose terminal is $tty and
# output $work/OUT, the unmount step started.
node_lost() {
  local out=$work/$1 failure state n answered again asked_before
  lost_from=$(now_ms)
  asked_before=$(grep -c 'choice: ' "$out")
  wait_for 180 held_on worker02 'umount -a -t fuse\.glusterfs'
  check "lost: worker02 received the unmount and holds it (its own records)" \
    test -n "$(first_at "$since" $'\tssh umount -a -t fuse\\.glusterfs$' worker02)" -a -n "$(cat "$dir/worker02/held" 2>/dev/null)"
  check "lost: ... during the unmount step (journal)" \
    test -n "$(record "$journal" step-started unmount-glusterfs 1)" -a -z "$(record "$journal" step-finished unmount-glusterfs 1)"
  "${lab[@]}" fault link-down worker02 >/dev/null
  check "lost: worker02's link is down (its interface)" bash -c "ip -n lab$LAB_ID-worker02 link show eth0 | grep -q 'state DOWN'"
  wait_for 90 asked "$1" $((asked_before + 1))
  failure=$(record "$journal" step-failed unmount-glusterfs 1)
  check "lost: journal: the step failed on worker02 alone, with the reason ($failure)" \
    grep -Eq $'\tfailed on worker02 \\(.*(timeout|timed out)' <<<"$failure"
  check "lost: journal: ... and on no other host" bash -c '! grep -Eq "top[0-9]|worker01" <<<"$1"' _ "$failure"
  check "lost: the pause names worker02 and offers retry-failed on it" \
    grep -q 'retry-failed  run the step again on worker02 only' "$out"
  state=$(run_state "$run")
  check "lost: /api/v1/runs: the run asks the operator ($state)" test "$state" = asking
  check "lost: the volumes are not stopped meanwhile (top1's glusterd)" test "$(count_of "$since" 'volume stop' top1)" -eq 0
  "${lab[@]}" repair link worker02 >/dev/null
  "${lab[@]}" repair hold worker02 >/dev/null
  answered=$(now_ms)
  echo retry-failed >&"$tty"
  check "lost: retry-failed: the step finishes (journal)" test -n "$(wait_record 120 "$journal" step-finished unmount-glusterfs 1)"
  lost_to=$(now_ms)
  lost_ms=$((lost_to - lost_from))
  for host in top2 top3 worker01; do
    n=$(count_of "$since" '^ssh umount -a -t fuse\.glusterfs$' "$host")
    check "lost: hosts: $host received the unmount once ($n)" test "$n" -eq 1
  done
  n=$(count_of "$since" '^ssh umount -a -t fuse\.glusterfs$' worker02)
  again=$(first_at "$answered" $'\tssh umount -a -t fuse\\.glusterfs$' worker02)
  check "lost: hosts: worker02 received it twice ($n), the second after retry-failed (${again:-never} >= $answered)" \
    test "$n" -eq 2 -a "${again:-0}" -ge "$answered"
  echo "e2e: node lost mid-step $lost_ms ms"
}
