# bash completion for greenlight: installed as
# share/bash-completion/completions/greenlight, loaded by bash-completion
# when `greenlight` is first completed (or source this file).
#
# The words come from the binary itself, `greenlight __complete WORD...`,
# from the same description as --help, and from the site that -c CONFIG
# (else $GREENLIGHT_CONFIG, else /etc/greenlight/greenlight.yaml) names:
# check names, runbook names, phases, run ids, @groups and hosts.
_greenlight() {
  local cur words cword
  if declare -F _get_comp_words_by_ref >/dev/null; then
    # Keep node sets such as @vm:running in one word.
    _get_comp_words_by_ref -n : cur words cword
  else
    words=("${COMP_WORDS[@]}")
    cword=$COMP_CWORD
    cur=${COMP_WORDS[COMP_CWORD]}
  fi
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
  # readline also breaks words at ':': replace only what follows the last one.
  if [[ $cur == *:* && $COMP_WORDBREAKS == *:* ]]; then
    local colon=${cur%"${cur##*:}"}
    local i
    for i in "${!COMPREPLY[@]}"; do COMPREPLY[i]=${COMPREPLY[i]#"$colon"}; done
  fi
}
complete -F _greenlight greenlight
