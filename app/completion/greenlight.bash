# bash completion for greenlight: installed as
# share/bash-completion/completions/greenlight, loaded by bash-completion
# when `greenlight` is first completed (or source this file).
#
# The words come from the binary itself, `greenlight __complete WORD...`,
# from the same description as --help, and from the site that -c CONFIG
# (else $GREENLIGHT_CONFIG, else /etc/greenlight/greenlight.yaml) names:
# check names, runbook names, phases, run ids, @groups and hosts.

# _greenlight_words: the words up to the cursor into `words`, the current
# one's index into `cword`. readline splits COMP_WORDS at '@' and ':' of
# COMP_WORDBREAKS, so "@vm:running" arrives as "@", "vm", ":", "running": a
# word made of those separators is joined to its neighbours unless blanks
# stand between them. '=' stays split, as __complete expects. Done here, not
# by bash-completion's `_get_comp_words_by_ref -n @:`, which keeps '@' split
# (2.11) and is not loaded in every shell.
_greenlight_words() {
  local line=${COMP_LINE:0:COMP_POINT} word previous='' i
  words=()
  for ((i = 0; i <= COMP_CWORD && i < ${#COMP_WORDS[@]}; i++)); do
    word=${COMP_WORDS[i]}
    if ((i > 1)) && [[ $line != [[:blank:]]* ]] &&
      [[ $word =~ ^[@:]+$ || $previous =~ ^[@:]+$ ]]; then
      words[${#words[@]} - 1]+=$word
    else
      words+=("$word")
    fi
    line=${line#"${line%%[![:blank:]]*}"}
    line=${line#"$word"}
    previous=$word
  done
  cword=$((${#words[@]} - 1))
}
_greenlight() {
  local words cword
  _greenlight_words
  local cur=${words[cword]}
  local program=${words[0]}
  [[ $program == "~/"* ]] && program=$HOME/${program#"~/"}
  local -a reply
  mapfile -t reply < <("$program" __complete "${words[@]:1:cword}" 2>/dev/null)
  # "--runs=DIR": readline breaks the word at '=' and completes what follows.
  [[ $cur == "=" ]] && cur=
  COMPREPLY=()
  case ${reply[0]-} in
    files)
      compopt -o filenames 2>/dev/null
      mapfile -t COMPREPLY < <(compgen -f -- "$cur")
      ;;
    directories)
      compopt -o filenames 2>/dev/null
      mapfile -t COMPREPLY < <(compgen -d -- "$cur")
      ;;
    words)
      COMPREPLY=("${reply[@]:1}")
      ;;
  esac
  # A group source ("@vm:") or a set going on ("top1,"): no space after it.
  if [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *[:,] ]]; then
    compopt -o nospace 2>/dev/null
  fi
  # readline replaces only its own word ($2), the end of ours: after the last
  # ':' or '=', from the last '@' ("top1,@to" is "@to" to readline).
  local readline_word=${2-$cur}
  if [[ $cur == *"$readline_word" && $cur != "$readline_word" ]]; then
    local before=${cur%"$readline_word"}
    local i
    for i in "${!COMPREPLY[@]}"; do COMPREPLY[i]=${COMPREPLY[i]#"$before"}; done
  fi
}
complete -F _greenlight greenlight
