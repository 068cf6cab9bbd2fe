#!/usr/bin/env bash
# The manual pages as built (docs/man): groff reads them at 80 columns
# without a warning; greenlight(1) is what `greenlight help --man` prints
# and has a section, with examples, for every command and subcommand that
# --help lists, and greenlight --help's own examples under EXAMPLES;
# greenlight.yaml(5) has every section and key of docs/config.md.
set -uo pipefail
src=${GREENLIGHT_SOURCE_DIR:?}
gl=${GREENLIGHT:?}
build=${GREENLIGHT_BUILD_DIR:?}
source "$(dirname "$0")/../support/check.sh"
work=$(mktemp -d /tmp/greenlight-man.XXXXXX)
trap 'rm -rf "$work"' EXIT
man1=$build/docs/man/greenlight.1
man5=$build/docs/man/greenlight.yaml.5

for page in "$man1" "$man5"; do
  name=$(basename "$page")
  check "$name is built" test -s "$page"
  check "$name.gz is built" cmp -s <(gzip -dc "$page.gz") "$page"
  groff -t -man -Tutf8 -ww "$page" >"$work/$name.groff" 2>"$work/$name.warnings"
  check "groff -ww reads $name without a warning: $(head -5 "$work/$name.warnings")" \
    test ! -s "$work/$name.warnings"
  MANWIDTH=80 man --warnings -l "$page" >"$work/$name.txt" 2>"$work/$name.man-warnings"
  check "man -l shows $name without a warning: $(head -5 "$work/$name.man-warnings")" \
    test ! -s "$work/$name.man-warnings"
  width=$(awk '{ if (length($0) > w) w = length($0) } END { print w }' "$work/$name.txt")
  echo "$name: $(wc -l <"$work/$name.txt") lines, widest $width columns"
done

check "greenlight.1 is what greenlight help --man prints" cmp -s <("$gl" help --man) "$man1"

# Every command and subcommand --help lists, as a section of its own
# ("   greenlight runbook plan") holding examples.
text=$work/greenlight.1.txt
# subcommands COMMAND: the words CLI11's --help lists under "Subcommands:".
subcommands() {
  "$gl" "$1" --help | awk '/^Subcommands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { on = 0 }'
}
commands=$("$gl" --help | awk '/^commands:/ { on = 1; next } on && /^  / { print $1 }')
sections=()
for command in $commands; do
  sections+=("$command")
  for sub in $(subcommands "$command"); do sections+=("$command $sub"); done
done
check "runbook's subcommands are found (${sections[*]})" grep -q "runbook abort" <<<"${sections[*]}"
check "config check is found" grep -q "config check" <<<"${sections[*]}"
for section in "${sections[@]}"; do
  body=$(awk -v head="   greenlight $section" '
    $0 == head { on = 1; next }
    on && /^   greenlight / { exit }
    on && /^[A-Z]/ { exit }
    on { print }' "$text")
  check "greenlight(1) has a section for greenlight $section" test -n "$body"
  # A command with subcommands has its examples in its subcommands' sections.
  if [[ -z $(subcommands "${section%% *}") || $section == *" "* ]]; then
    check "greenlight $section has examples in greenlight(1)" grep -q "Examples:" <<<"$body"
    check "greenlight $section's examples run greenlight $section" \
      grep -q "^ *greenlight .*${section##* }" <<<"$body"
  fi
done
# greenlight --help's own examples, under EXAMPLES.
examples=$("$gl" --help | awk '/^Examples:/ { on = 1; next } on && /^  / { sub(/^ +/, ""); print } on && /^$/ { exit }')
check "greenlight --help has examples" test "$(wc -l <<<"$examples")" -ge 3
body=$(awk '$0 == "EXAMPLES" { on = 1; next } on && /^[A-Z]/ { exit } on { sub(/^ +/, ""); print }' "$text")
while read -r example; do
  check "greenlight(1)'s EXAMPLES has '$example'" grep -qxF -- "$example" <<<"$body"
done <<<"$examples"
for heading in NAME SYNOPSIS DESCRIPTION OPTIONS COMMANDS ENVIRONMENT FILES EXAMPLES "SEE ALSO"; do
  check "greenlight(1) has $heading" grep -qx "$heading" "$text"
done
check "__complete stays hidden" test -z "$(grep -F __complete "$text")"

# greenlight.yaml(5): every section and every key of docs/config.md's tables.
text5=$work/greenlight.yaml.5.txt
while read -r heading; do
  check "greenlight.yaml(5) has the section '$heading'" grep -qx "$heading" "$text5"
done < <(awk '/^```/ { code = !code } !code && /^##+ / { sub(/^#+ /, ""); print }' "$src/docs/config.md")
keys=$(awk -F'|' '/^\| *`/ { gsub(/[` ]/, "", $2); gsub(/,/, " ", $2); print $2 }' "$src/docs/config.md")
check "docs/config.md has keys" test "$(wc -w <<<"$keys")" -gt 20
for key in $keys; do
  check "greenlight.yaml(5) has the key $key" grep -qE "^       ([a-z_.]+, )*$key(,| |$)" "$text5"
done

echo "$passed passed, $failed failed"
test "$failed" -eq 0
