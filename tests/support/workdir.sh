# The working directory of a shell test. Source it, then:
#   make_workdir NAME [VAR...]  sets $dir to a new directory
#                               /tmp/greenlight-NAME-XXXXXX; at exit, SIGKILLs
#                               the PIDs the named variables hold then (and
#                               those listed in $dir/*.pid files named by
#                               $workdir_pid_files), and removes $dir.
#                               KEEP=1 keeps the directory and says where.
# Only PIDs this test started are ever in those variables and files.
make_workdir() {
  dir=$(mktemp -d "/tmp/greenlight-$1-XXXXXX") || { echo "FAILED: mktemp"; exit 1; }
  shift
  workdir_vars=("$@")
  trap workdir_cleanup EXIT
  if [ -n "${KEEP:-}" ]; then trap - EXIT; echo "keeping $dir"; fi
}
workdir_cleanup() {
  local var pid file
  for var in "${workdir_vars[@]}"; do
    for pid in ${!var:-}; do kill -9 "$pid" 2>/dev/null; done
  done
  for file in ${workdir_pid_files:-}; do
    [ -s "$dir/$file" ] && kill -9 $(cat "$dir/$file") 2>/dev/null
  done
  rm -rf "$dir"
}
