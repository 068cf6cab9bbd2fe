#!/usr/bin/env bash
# greenlight exec against clush (ClusterShell), same sshd on loopback, same
# key, same fanout (64), ControlMaster off: `true` on 50 and 200 targets
# (127.0.1.x), and three commands in sequence on 200 targets (clush three
# times, greenlight once with its sessions kept). Per run: wall time, client
# CPU (getrusage of the command and its children), sshd CPU (a cpuacct
# cgroup holding the test sshd and every session it forks) and the whole
# machine's CPU (/proc/stat). Medians over RUNS runs, the tools alternating.
# Writes the "exec vs clush" section of bench/RESULTS.md.
# Usage: bench/exec.sh BUILD_DIR [RUNS]   (default 5 runs)
set -euo pipefail
build_arg=${1:?usage: exec.sh BUILD_DIR [RUNS]}
build=$(cd "$build_arg" && pwd)
runs=${2:-5}
here=$(cd "$(dirname "$0")" && pwd)
gl="$build/app/greenlight"
source "$here/../tests/support/loopback_sshd.sh"
work=$(mktemp -d /tmp/greenlight-bench-exec.XXXXXX)
cgroup=/sys/fs/cgroup/cpuacct/greenlight-bench-exec-$$
cleanup() {
  sshd_stop
  [[ -d "$cgroup" ]] && { sleep 0.5; rmdir "$cgroup" 2>/dev/null || true; }
  rm -rf "$work"
}
trap cleanup EXIT

sshd_start "$work/sshd"
known_hosts_for "$KNOWN_HOSTS" 127.0.1.{1..200}
server_cpu=""
if mkdir "$cgroup" 2>/dev/null && echo "$SSHD_PID" >"$cgroup/cgroup.procs" 2>/dev/null; then
  server_cpu="$cgroup/cpuacct.usage"
fi

# clush gets the same port, user, key and known_hosts; -F /dev/null keeps
# root's ssh_config out, ControlMaster/ControlPath off so every node pays a
# full login as greenlight does.
export CLUSTERSHELL_CFGDIR="$work/clush"
mkdir -p "$CLUSTERSHELL_CFGDIR"
cat >"$CLUSTERSHELL_CFGDIR/clush.conf" <<EOF
[Main]
fanout: 64
connect_timeout: 15
command_timeout: 0
color: never
ssh_user: root
ssh_options: -F /dev/null -p $SSHD_PORT -i $CLIENT_KEY -o IdentitiesOnly=yes -o UserKnownHostsFile=$KNOWN_HOSTS -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes -o ControlMaster=no -o ControlPath=none -o BatchMode=yes
EOF
printf '[Main]\n' >"$CLUSTERSHELL_CFGDIR/groups.conf"
glx=("$gl" exec --port "$SSHD_PORT" --user root -i "$CLIENT_KEY" --known-hosts "$KNOWN_HOSTS" -f 64 -t 15)

cat >"$work/measure.py" <<'PY'
# measure.py RUNS SERVER_CPU_FILE LABEL=SHELL_LINE...: alternates the command
# lines RUNS times; prints one JSON object with the medians of each.
import json, os, resource, statistics, subprocess, sys, time
runs, server_file, cases = int(sys.argv[1]), sys.argv[2], [a.split("=", 1) for a in sys.argv[3:]]
tick = os.sysconf("SC_CLK_TCK")
def machine():
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    return (sum(fields) - fields[3] - fields[4]) / tick  # busy seconds, all cores
def server():
    if not server_file:
        return 0.0
    with open(server_file) as f:
        return int(f.read()) / 1e9
samples = {label: [] for label, _ in cases}
for _ in range(runs):
    for label, line in cases:
        ru0, m0, s0, t0 = resource.getrusage(resource.RUSAGE_CHILDREN), machine(), server(), time.monotonic()
        rc = subprocess.run(["bash", "-c", line], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wall = time.monotonic() - t0
        time.sleep(0.3)  # let sshd's session processes finish and be counted
        ru1, m1, s1 = resource.getrusage(resource.RUSAGE_CHILDREN), machine(), server()
        if rc.returncode != 0:
            sys.exit(f"{label}: exit {rc.returncode}: {rc.stderr.decode()[-2000:]}")
        client = (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)
        samples[label].append({"wall": wall, "client": client, "server": s1 - s0, "machine": m1 - m0})
out = {label: {k: statistics.median(s[k] for s in values) for k in values[0]} for label, values in samples.items()}
print(json.dumps(out))
PY

three_gl="${glx[*]} -w '127.0.1.[1-200]' -c true -c true -c true"
three_cs="for i in 1 2 3; do clush -S -w '127.0.1.[1-200]' true || exit 1; done"
echo "== bench exec: $runs runs each (machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
python3 "$work/measure.py" "$runs" "$server_cpu" \
  "gl50=${glx[*]} -w '127.0.1.[1-50]' -- true" \
  "cs50=clush -S -w '127.0.1.[1-50]' true" \
  "gl200=${glx[*]} -w '127.0.1.[1-200]' -- true" \
  "cs200=clush -S -w '127.0.1.[1-200]' true" \
  "gl3x200=$three_gl" \
  "cs3x200=$three_cs" >"$work/medians.json"
cat "$work/medians.json"

section=$(python3 - "$work/medians.json" "$runs" "$([[ -n $server_cpu ]] && echo yes || echo no)" \
  "$(date -u '+%Y-%m-%d %H:%M UTC')" "$(nproc)" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')" \
  "$(uname -r)" "$(/usr/bin/python3 -c 'import ClusterShell; print(ClusterShell.__version__)')" \
  "$(cut -d' ' -f1-3 /proc/loadavg)" <<'PY'
import json, sys
m, runs, has_server, date, cores, cpu, kernel, cs_version, load = sys.argv[1:]
m = json.load(open(m))
def row(name, gl, cs):
    g, c = m[gl], m[cs]
    server = (f"{g['server']:.2f} | {c['server']:.2f} | " if has_server == "yes" else "n/a | n/a | ")
    return (f"| {name} | {g['wall']:.2f} | {c['wall']:.2f} | **{g['wall'] / c['wall']:.2f}** | "
            f"{g['client']:.2f} | {c['client']:.2f} | {server}"
            f"{g['machine']:.2f} | {c['machine']:.2f} | {g['machine'] / c['machine']:.2f} |")
print(f"""## exec vs clush

`bash bench/exec.sh BUILD_DIR {runs}` (run by `make bench`), {date}, {cores} cores,
{cpu}, Linux {kernel}, OpenSSH 9.2 sshd, libssh 0.10, ClusterShell {cs_version}.
Load average when it ended: {load} (the machine is shared with other builds:
read the ratios, not the absolute seconds).
One sshd on loopback (the test's own host key, authorized_keys and client key;
`MaxStartups 1000`, `MaxSessions 100`: with OpenSSH's default MaxStartups
10:30:100 a 64-wide fan-out loses about a third of its logins), targets
127.0.1.x, fanout 64 for both, same user, key and known_hosts (strict).
The sshd sets `SetEnv SHLVL=1` so that the remote bash does not source root's
~/.bashrc (on this machine it runs pyenv, whose rehash lock stalls parallel logins).
clush runs `ssh -F /dev/null ... -o ControlMaster=no -o ControlPath=none`
(no connection sharing); greenlight runs
`greenlight exec -f 64 -w '127.0.1.[1-N]' -- true`, and for three commands
`-c true -c true -c true` (one session per node, three channels) against
three clush runs. Medians of {runs} runs, the tools alternating. Seconds:
wall; client CPU (user+system of the command and its children, getrusage);
sshd CPU (a cpuacct cgroup holding the sshd and every session process it
forks); machine CPU (busy time of all cores from /proc/stat, other builds included).
Targets: one command <= 0.5x clush's wall time, three commands <= 0.25x.
Where the difference comes from: clush forks one OpenSSH client per node and
per command (its client CPU is most of the machine's); greenlight logs in once
per node from one process and sends later commands as new channels on the same
session, so three commands cost about one login per node on the sshd side too.

| run | greenlight wall | clush wall | wall ratio | greenlight client CPU | clush client CPU | greenlight sshd CPU | clush sshd CPU | greenlight machine CPU | clush machine CPU | machine CPU ratio |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
{row("`true` on 50", "gl50", "cs50")}
{row("`true` on 200", "gl200", "cs200")}
{row("3 x `true` on 200", "gl3x200", "cs3x200")}
""")
PY
)
/usr/bin/python3 "$here/write_section.py" "$here/RESULTS.md" "$section"
echo "$section"
