#!/usr/bin/env bash
# The bash completion (app/completion/greenlight.bash) loaded into bash with
# bash-completion, as a shell loads it: words completed against the example
# site (check names, runbook names, phases, @groups) and a state directory
# of runs, as the shell sets COMP_WORDS and COMP_CWORD and reads COMPREPLY.
set -uo pipefail
export LC_ALL=C
src=${GREENLIGHT_SOURCE_DIR:?}
gl=${GREENLIGHT:?}
source "$(dirname "$0")/../support/check.sh"
site=$src/examples/ocean/site.yaml
work=$(mktemp -d /tmp/greenlight-completion.XXXXXX)
trap 'rm -rf "$work"' EXIT
# A state directory: two runs (a directory with a journal each), and a
# directory that is not a run.
for run in restart-20261130-190000 startup-20261201-061500; do
  mkdir -p "$work/runs/$run" && : >"$work/runs/$run/journal"
done
mkdir -p "$work/runs/lost+found" "$work/other-runs/shutdown-20261129-080000"
: >"$work/other-runs/shutdown-20261129-080000/journal"
: >"$work/site-copy.yaml"

# complete WORD... : what the completion offers for the last word (the one
# being typed, possibly ""), one per line, sorted, as bash hands it over:
# COMP_WORDS split at the '@', ':' and '=' of COMP_WORDBREAKS ("@vm:ru" is
# "@", "vm", ":", "ru"), and readline's own word as $2, which readline
# replaces with an offer: after the last ':' or '=', from the last '@'
# ("ru" of "@vm:ru", "@to" of "top1,@to"). Runs in the shell of $completion:
# "loaded" (bash-completion and ours) or "plain" (bash --norc, ours only).
completion=loaded
complete_line() {
  if [[ $completion == plain ]]; then
    gl=$gl src=$src completion=loaded bash --norc -c \
      'source "$src/app/completion/greenlight.bash"; '"$(declare -f complete_line)"'; complete_line "$@"' \
      _ "$@"
    return
  fi
  local line=$gl word rest
  COMP_WORDS=("$gl")
  for word in "$@"; do
    line+=" $word"
    [[ -z $word ]] && COMP_WORDS+=("")
    rest=$word
    while [[ $rest =~ ^([@:=]+|[^@:=]+)(.*)$ ]]; do
      COMP_WORDS+=("${BASH_REMATCH[1]}")
      rest=${BASH_REMATCH[2]}
    done
  done
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMP_LINE=$line
  COMP_POINT=${#line}
  local readline_word=${word-}
  [[ $readline_word =~ [:=]([^@:=]*)$ ]] && readline_word=${BASH_REMATCH[1]}
  [[ $readline_word =~ (@[^@:=]*)$ ]] && readline_word=${BASH_REMATCH[1]}
  COMPREPLY=()
  _greenlight "$gl" "$readline_word" "${COMP_WORDS[COMP_CWORD - 1]}"
  printf '%s\n' "${COMPREPLY[@]}" | sort
}
# expect DESCRIPTION EXPECTED WORD...: the offers are exactly EXPECTED
# (space-separated).
expect() {
  local what=$1 expected=$2; shift 2
  local got
  got=$(complete_line "$@" | paste -sd' ')
  check "$what: '$*' offers '$expected' (got '$got')" test "$got" = "$expected"
}
# offers DESCRIPTION WORD... -- EXPECTED...: the offers include each EXPECTED.
offers() {
  local what=$1; shift
  local words=()
  while [[ $1 != -- ]]; do words+=("$1"); shift; done
  shift
  local got
  got=$(complete_line "${words[@]}")
  local want
  for want in "$@"; do
    check "$what: '${words[*]}' offers '$want'" grep -qxF -- "$want" <<<"$got"
  done
}

# Loaded as bash-completion loads it.
[[ -f /usr/share/bash-completion/bash_completion ]] || { echo "bash-completion is not installed"; exit 1; }
source /usr/share/bash-completion/bash_completion
source "$src/app/completion/greenlight.bash"
check "the completion is registered for greenlight" bash -c "$(complete -p greenlight)"' && complete -p greenlight | grep -q _greenlight'

unset GREENLIGHT_CONFIG GREENLIGHT_RUNS_DIR
expect "commands" "check config exec help nodeset resolve runbook serve" ""
expect "commands by prefix" "resolve runbook" r
expect "global options" "--config --help --version" --
expect "check names from the site" "gluster-clients gluster-heal gluster-peers gluster-volumes" \
  -c "$site" check gluster
expect "check names, after one given" "ping power" -c "$site" check gluster-peers p
expect "check's options" "--help --output -o" -c "$site" check -
expect "check -o's values" "json table text" -c "$site" check -o ""
expect "runbook plan -o's values, dot too" "dot json table text" -c "$site" runbook plan restart -o ""
expect "runbook status -o's values, no dot" "json table text" -c "$site" runbook status -o ""
expect "runbook's subcommands" "abort attach check exec list log plan resume status" -c "$site" runbook ""
expect "runbook names" "restart shutdown startup" -c "$site" runbook plan ""
expect "runbook names, by prefix" "shutdown startup" -c "$site" runbook exec s
offers "phases of the runbook named" -c "$site" runbook exec restart --from "" -- \
  preflight power-on-hypervisors start-remaining-vms
expect "phases, by prefix" "power-on-hypervisors power-on-islet-workers" \
  -c "$site" runbook exec restart --from power-on
expect "runbook exec's options" \
  "--detach --dry-run --exclude --from --from-run --help --runs --yes -d -n -x -y" \
  -c "$site" runbook exec restart -
offers "groups for a node set" -c "$site" exec -w "" -- @compute @hypervisors @top @worker
expect "groups by prefix" "@hypervisors" -c "$site" exec -w @hy
expect "a flag takes no value" "@hypervisors" -c "$site" exec -b -w @hy
expect "phases after a flag" "preflight" -c "$site" runbook exec restart -y --from pre
expect "groups after a comma (readline's word starts at '@')" "@top" -c "$site" exec -w top1,@to
expect "hosts once a name is begun" "worker01 worker02 worker03 worker04" -c "$site" exec -x work
expect "nodes of runbook plan --exclude" "@worker" -c "$site" runbook plan restart --exclude @wo
expect "groups in nodeset's operands" "@island_worker" -c "$site" nodeset -f @is
expect "nodeset's long options" "--exclude --expand" -c "$site" nodeset --ex

# Run ids: from $GREENLIGHT_RUNS_DIR, else --runs DIR on the line.
GREENLIGHT_RUNS_DIR=$work/runs expect "runs from \$GREENLIGHT_RUNS_DIR" \
  "restart-20261130-190000 startup-20261201-061500" -c "$site" runbook status ""
GREENLIGHT_RUNS_DIR=$work/runs expect "runs by prefix" "restart-20261130-190000" \
  -c "$site" runbook log re
expect "runs from --runs DIR" "shutdown-20261129-080000" \
  -c "$site" runbook abort --runs "$work/other-runs" ""
expect "runs from --runs=DIR (split at '=' by the shell)" "shutdown-20261129-080000" \
  -c "$site" runbook resume --runs="$work/other-runs" ""
GREENLIGHT_RUNS_DIR=$work/runs expect "runs of --from-run" \
  "restart-20261130-190000 startup-20261201-061500" -c "$site" runbook plan startup --from-run ""
expect "no run in a missing state directory" "" \
  -c "$site" runbook status --runs "$work/none" ""

# abort, resume and attach act on runs not ended: an aborted run is not offered.
mkdir -p "$work/ended/restart-20261128-100000" "$work/ended/restart-20261128-110000"
: >"$work/ended/restart-20261128-110000/journal"
"$gl" -c "$site" runbook abort restart-20261128-100000 --runs "$work/ended" >/dev/null 2>&1
check "a run aborted for the test" grep -q run-aborted "$work/ended/restart-20261128-100000/journal"
for verb in abort resume; do
  expect "runbook $verb: runs not ended only" "restart-20261128-110000" \
    -c "$site" runbook "$verb" --runs "$work/ended" ""
done
GREENLIGHT_RUNS_DIR=$work/ended expect "runbook attach: runs not ended only" \
  "restart-20261128-110000" -c "$site" runbook attach ""
expect "runbook status: every run" "restart-20261128-100000 restart-20261128-110000" \
  -c "$site" runbook status --runs "$work/ended" ""

# Group sources: nodeset -s, and @SOURCE: in a node set with fleet's states.
offers "group sources of nodeset -s" -c "$site" nodeset -s "" -- vm
offers "group sources of --groupsource" -c "$site" nodeset --groupsource "" -- vm
offers "a source's prefix among the groups" -c "$site" exec -w "" -- @vm:
expect "fleet's unit states after @vm: (readline breaks at ':')" "running" -c "$site" nodeset -f @vm:ru
expect "after a comma too" "running" -c "$site" exec -w top1,@vm:run
# The default source is offered too ("@site:top" is "@top"), and its groups.
offers "the default source's prefix" -c "$site" exec -w "" -- @site:
expect "the default source's groups after @site:" "top" -c "$site" exec -w @site:to
# help COMMAND <TAB>: the subcommands of the command named so far.
expect "help runbook: runbook's subcommands" "exec" -c "$site" help runbook ex

# The site from $GREENLIGHT_CONFIG, as the commands read it.
GREENLIGHT_CONFIG=$site expect "site from \$GREENLIGHT_CONFIG" "gluster-heal" check gluster-h
expect "no site, no names" "" -c "$work/none.yaml" check ""

# Files and directories: the shell lists them.
pushd "$work" >/dev/null || exit 1
expect "-c takes a file" "site-copy.yaml" -c site-
expect "config check takes a file" "site-copy.yaml" config check site
expect "--runs takes a directory" "other-runs" runbook status --runs oth
popd >/dev/null || exit 1

# help and the hidden command.
expect "help takes a command" "runbook" help runb
check "__complete is never offered" test -z "$(complete_line __ | grep -x __complete)"

# Words with '@' and ':', split there by bash, with bash-completion's helpers
# and without them (bash --norc, our file only).
for completion in loaded plain; do
  expect "$completion: runbook names" "restart" -c "$site" runbook plan re
  expect "$completion: a group" "@hypervisors" -c "$site" exec -w @hy
  expect "$completion: a group after a comma" "@top" -c "$site" exec -w top1,@to
  offers "$completion: a source's prefix after '@'" -c "$site" exec -w @ -- @vm:
  expect "$completion: a state after '@vm:'" "running" -c "$site" nodeset -f @vm:ru
  offers "$completion: the states after '@vm:'" -c "$site" nodeset -f @vm: -- running
  expect "$completion: a state after a comma and '@vm:'" "running" -c "$site" exec -w top1,@vm:run
  expect "$completion: phases after a node set with '@' and ':'" "preflight" \
    -c "$site" runbook exec restart -x @vm:running --from pre
  GREENLIGHT_RUNS_DIR=$work/runs expect "$completion: run ids" "restart-20261130-190000" \
    -c "$site" runbook log re
  expect "$completion: runs from --runs=DIR" "shutdown-20261129-080000" \
    -c "$site" runbook resume --runs="$work/other-runs" ""
done
completion=loaded

echo "$passed passed, $failed failed"
test "$failed" -eq 0
