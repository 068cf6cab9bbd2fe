#!/usr/bin/env bash
# Heal info parsing at scale, side by side: greenlight's streaming parser, a
# pugixml DOM, xmllint --stream and Python's xml.etree iterparse, on a
# generated `heal info --xml` with 1,000,000 entries and on a summary with
# large counts. Then the whole heal check, `greenlight check` of a
# gluster_heal check whose gluster is tests/fixtures/gluster/heal-listing-gluster
# printing CHECK_ENTRIES entries per brick (about 100 MB), read as it arrives,
# beside the same listing piped to xmllint --stream and to Python's iterparse.
# Writes the "## Checks" section of bench/RESULTS.md.
# Usage: bench/heal.sh BUILD_DIR [ENTRIES [CHECK_ENTRIES]]
set -euo pipefail
build=$(cd "${1:?usage: heal.sh BUILD_DIR [ENTRIES]}" && pwd)
entries=${2:-1000000}
check_entries=${3:-400000}
here=$(cd "$(dirname "$0")" && pwd)
gl="$build/app/greenlight"
listing="$here/../tests/fixtures/gluster/heal-listing-gluster"
bench="$build/bench/heal_bench"
[[ -x "$bench" ]] || { echo "heal.sh: $bench not built" >&2; exit 1; }
work=$(mktemp -d /tmp/glheal.XXXXXX)
trap 'rm -rf "$work"' EXIT

"$bench" generate "$entries" "$work/heal.xml"
"$bench" generate-summary "$entries" "$work/summary.xml"
size_mib=$(( $(stat -c %s "$work/heal.xml") / 1048576 ))

cat > "$work/iterparse.py" <<'PY'
import sys, xml.etree.ElementTree as ET
files = 0
# "-": standard input, as a pipe from gluster would give it.
source = sys.stdin.buffer if sys.argv[1] == "-" else sys.argv[1]
for event, elem in ET.iterparse(source, events=("end",)):
    if elem.tag == "file":
        files += 1
        elem.clear()
print(f"files={files}")
PY

rows=()
# run NAME COMMAND...: wall seconds and peak RSS from /usr/bin/time, plus the
# tool's own one-line answer.
run() {
  local name=$1; shift
  local out
  out=$(/usr/bin/time -f 'TIME %e %M' "$@" 2>&1 >"$work/answer") || {
    echo "heal.sh: $name failed: $out" >&2; exit 1; }
  local line
  line=$(grep '^TIME ' <<<"$out" | tail -1)
  read -r _ secs kib <<<"$line"
  local answer
  answer=$(tr '\n' ' ' < "$work/answer" | sed 's/ *$//')
  rows+=("| $name | $secs | $(( kib / 1024 )) | ${answer:-well-formed (no count)} |")
  echo "$name: ${secs}s $(( kib / 1024 ))MiB $(cat "$work/answer")"
}

run "greenlight HealInfoParser (stream, 64 KiB chunks)" "$bench" stream "$work/heal.xml"
run "pugixml 1.13 DOM (load_file + count)" "$bench" dom "$work/heal.xml"
run "xmllint --stream --noout (libxml2 2.9.14)" xmllint --stream --noout "$work/heal.xml"
run "python3 xml.etree iterparse + clear" python3 "$work/iterparse.py" "$work/heal.xml"
run "greenlight HealInfoParser, summary" "$bench" stream "$work/summary.xml" summary

# The whole check: gluster's listing read from a pipe as it is printed.
check_rows=("${rows[@]}")
rows=()
cat >"$work/site.yaml" <<YAML
site: heal-bench
hosts:
  vm: {self: true}
checks:
  heal: {kind: gluster_heal, volumes: [v1], command: [$listing, $check_entries], timeout: 120s}
YAML
heal_argv=("$listing" "$check_entries" --mode=script volume heal v1 info --xml)
check_mib=$(( $("${heal_argv[@]}" | wc -c) / 1048576 ))
run "the listing alone, piped to wc -c" sh -c '"$@" | wc -c' sh "${heal_argv[@]}"
# greenlight check exits 1 on the warning a pending heal is.
run "greenlight check heal (gluster_heal, LocalRunner, output read as it arrives)" \
  sh -c '"$0" -c "$1" check heal >"$2"; rc=$?; tail -1 "$2" | tr -s " "; test $rc -eq 1' \
  "$gl" "$work/site.yaml" "$work/check.out"
run "the listing piped to xmllint --stream --noout -" sh -c '"$@" | xmllint --stream --noout -' sh "${heal_argv[@]}"
run "the listing piped to python3 iterparse + clear" sh -c '"$@" | python3 "$0" -' "$work/iterparse.py" "${heal_argv[@]}"
through_rows=("${rows[@]}")
rows=("${check_rows[@]}")

section="$work/section.md"
{
  echo "## Checks"
  echo
  echo "Heal info parsing, \`bash bench/heal.sh BUILD_DIR\` (run by \`make bench\`),"
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'),"
  echo "$(uname -sr). Input: a generated \`gluster volume heal VOL info --xml\` with"
  echo "$entries entries over two readable bricks and one unreadable brick ($size_mib MiB),"
  echo "and the \`info summary --xml\` of the same state. Wall time and peak RSS from"
  echo "\`/usr/bin/time -f '%e %M'\` (whole process, including reading the file)."
  echo "Targets for greenlight: < 1 s and < 64 MiB for 1,000,000 entries."
  echo
  echo "| parser | seconds | peak RSS MiB | answer |"
  echo "|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "The DOM row is why the full listing is not parsed with pugixml: its"
  echo "memory grows with the entry count; the streaming parser holds one tag."
  echo
  echo "The whole heal check, \`greenlight check heal\`: a gluster_heal check on"
  echo "volume v1 whose \`gluster\` is tests/fixtures/gluster/heal-listing-gluster, which"
  echo "prints $((check_entries * 3)) entries ($check_entries per brick, three bricks, $check_mib MiB)"
  echo "to a pipe; the check reads it as it arrives (its command's output sink) and"
  echo "judges from the counts. Beside it, the same listing piped to xmllint and to"
  echo "Python. Each row includes the listing's printing (first row: that alone);"
  echo "peak RSS is the largest single process."
  echo
  echo "| command | seconds | peak RSS MiB | answer |"
  echo "|---|---|---|---|"
  printf '%s\n' "${through_rows[@]}"
}  > "$section"

results="$here/RESULTS.md"
/usr/bin/python3 "$here/write_section.py" "$results" "@$section"
echo "heal.sh: wrote the Checks section of $results"
