#!/usr/bin/env bash
# greenlight exec against clush (ClusterShell) and pdsh (-R ssh), same sshd
# on loopback, same key, same fanout (64): `true` on 50 and 200 targets
# (127.0.1.x), and three commands in sequence on 200 targets (the peers three
# times, greenlight once with its sessions kept); clush also with OpenSSH
# connection sharing (ControlMaster auto, ControlPersist: the first command
# logs in, the next two reuse the masters). Per run: wall time, client
# CPU (getrusage of the command and its children), sshd CPU (a cpuacct
# cgroup holding the test sshd and every session it forks) and the whole
# machine's CPU (/proc/stat). Medians over RUNS runs, the tools alternating.
# Writes the "exec vs clush and pdsh" section of bench/RESULTS.md.
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
# The same with connection sharing: masters under $work/cm, kept 120 s.
shared_cfg="$work/clush-shared"
mkdir -p "$shared_cfg" "$work/cm"
sed -e "s|-o ControlMaster=no -o ControlPath=none|-o ControlMaster=auto -o ControlPath=$work/cm/%%C -o ControlPersist=120|" \
  "$CLUSTERSHELL_CFGDIR/clush.conf" >"$shared_cfg/clush.conf"
cp "$CLUSTERSHELL_CFGDIR/groups.conf" "$shared_cfg/groups.conf"
# pdsh: its ssh module runs "ssh -2 -a -x -l USER HOST" plus these options.
export PDSH_SSH_ARGS_APPEND="-F /dev/null -p $SSHD_PORT -i $CLIENT_KEY -o IdentitiesOnly=yes -o UserKnownHostsFile=$KNOWN_HOSTS -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes -o ControlMaster=no -o ControlPath=none -o BatchMode=yes"
pdshx="pdsh -S -R ssh -f 64 -l root"
# Ends the shared masters between runs (not timed), so that each run of the
# shared case starts without connections, as the others do.
end_masters() {
  for socket in "$work"/cm/*; do
    [[ -S $socket ]] && ssh -F /dev/null -o ControlPath="$socket" -O exit dummy >/dev/null 2>&1 || true
  done
}
export -f end_masters
export work
glx=("$gl" exec --port "$SSHD_PORT" --user root -i "$CLIENT_KEY" --known-hosts "$KNOWN_HOSTS" -f 64 -t 15)

cat >"$work/measure.py" <<'PY'
# measure.py RUNS SERVER_CPU_FILE LABEL=SHELL_LINE...: alternates the command
# lines RUNS times; prints one JSON object with the medians of each. A
# line's "; after: CMD" tail runs untimed after it (clean-up between runs).
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
        line, _, after = line.partition("; after: ")
        ru0, m0, s0, t0 = resource.getrusage(resource.RUSAGE_CHILDREN), machine(), server(), time.monotonic()
        rc = subprocess.run(["bash", "-c", line], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wall = time.monotonic() - t0
        time.sleep(0.3)  # let sshd's session processes finish and be counted
        ru1, m1, s1 = resource.getrusage(resource.RUSAGE_CHILDREN), machine(), server()
        if after:
            subprocess.run(["bash", "-c", after], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(0.3)
        if rc.returncode != 0:
            sys.exit(f"{label}: exit {rc.returncode}: {rc.stderr.decode()[-2000:]}")
        client = (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)
        samples[label].append({"wall": wall, "client": client, "server": s1 - s0, "machine": m1 - m0})
out = {label: {k: statistics.median(s[k] for s in values) for k in values[0]} for label, values in samples.items()}
print(json.dumps(out))
PY

three_gl="${glx[*]} -w '127.0.1.[1-200]' -c true -c true -c true"
three_cs="for i in 1 2 3; do clush -S -w '127.0.1.[1-200]' true || exit 1; done"
three_pd="for i in 1 2 3; do $pdshx -w '127.0.1.[1-200]' true || exit 1; done"
three_cm="for i in 1 2 3; do CLUSTERSHELL_CFGDIR=$shared_cfg clush -S -w '127.0.1.[1-200]' true || exit 1; done; after: end_masters"
echo "== bench exec: $runs runs each (machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
python3 "$work/measure.py" "$runs" "$server_cpu" \
  "gl50=${glx[*]} -w '127.0.1.[1-50]' -- true" \
  "cs50=clush -S -w '127.0.1.[1-50]' true" \
  "gl200=${glx[*]} -w '127.0.1.[1-200]' -- true" \
  "cs200=clush -S -w '127.0.1.[1-200]' true" \
  "pd50=$pdshx -w '127.0.1.[1-50]' true" \
  "pd200=$pdshx -w '127.0.1.[1-200]' true" \
  "gl3x200=$three_gl" \
  "cs3x200=$three_cs" \
  "pd3x200=$three_pd" \
  "cm3x200=$three_cm" >"$work/medians.json"
cat "$work/medians.json"

section=$(python3 - "$work/medians.json" "$runs" "$([[ -n $server_cpu ]] && echo yes || echo no)" \
  "$(date -u '+%Y-%m-%d %H:%M UTC')" "$(nproc)" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')" \
  "$(uname -r)" "$(/usr/bin/python3 -c 'import ClusterShell; print(ClusterShell.__version__)')" \
  "$(cut -d' ' -f1-3 /proc/loadavg)" "$(pdsh -V 2>&1 | head -1 | cut -d' ' -f1)" <<'PY'
import json, sys
m, runs, has_server, date, cores, cpu, kernel, cs_version, load, pdsh_version = sys.argv[1:]
m = json.load(open(m))
cores = int(cores)
def row(name, case, best=None):
    c = m[case]
    server = f"{c['server']:.2f}" if has_server == "yes" else "n/a"
    ratio = f"**{c['wall'] / m[best]['wall']:.2f}**" if best else ""
    return f"| {name} | {c['wall']:.2f} | {ratio} | {c['client']:.2f} | {server} | {c['machine']:.2f} |"
def best(*cases):
    return min(cases, key=lambda c: m[c]["wall"])
b50, b200, b3 = best("cs50", "pd50"), best("cs200", "pd200"), best("cs3x200", "pd3x200", "cm3x200")
names = {"cs50": "clush", "pd50": "pdsh", "cs200": "clush", "pd200": "pdsh", "cs3x200": "clush",
         "pd3x200": "pdsh", "cm3x200": "clush, ControlPersist"}
per_login = ""
if has_server == "yes":
    # sshd's CPU per login, and the wall time it alone sets on this many cores.
    login = m["gl200"]["server"] / 200
    floor = m["gl200"]["server"] / cores
    per_login = (f"sshd CPU per login (greenlight, `true` on 200): {login * 1000:.1f} ms; 200 logins "
                 f"need {m['gl200']['server']:.2f} s of sshd CPU, at least {floor:.2f} s of wall on "
                 f"{cores} cores: greenlight's {m['gl200']['wall']:.2f} s is "
                 f"{m['gl200']['wall'] / floor:.2f}x that floor.")
print(f"""## exec vs clush and pdsh

`bash bench/exec.sh BUILD_DIR {runs}` (run by `make bench`), {date}, {cores} cores,
{cpu}, Linux {kernel}, OpenSSH 9.2 sshd, libssh 0.10, ClusterShell {cs_version}, {pdsh_version}.
Load average when it ended: {load} (the machine is shared with other builds:
read the ratios, not the absolute seconds).
One sshd on loopback (the test's own host key, authorized_keys and client key;
`MaxStartups 1000`, `MaxSessions 100`: with OpenSSH's default MaxStartups
10:30:100 a 64-wide fan-out loses about a third of its logins), targets
127.0.1.x, fanout 64 for all, same user, key and known_hosts (strict).
The sshd sets `SetEnv SHLVL=1` so that the remote bash does not source root's
~/.bashrc (on this machine it runs pyenv, whose rehash lock stalls parallel logins).
clush runs `ssh -F /dev/null ... -o ControlMaster=no -o ControlPath=none`;
pdsh runs `pdsh -S -R ssh -f 64` with the same ssh options (PDSH_SSH_ARGS_APPEND);
"clush, ControlPersist" runs clush with `-o ControlMaster=auto -o ControlPersist=120`
(the first of its three runs logs in and leaves masters, the next two reuse them;
the masters are ended, untimed, between repetitions; their CPU after the first
run is not in its client column, being detached from clush).
greenlight runs `greenlight exec -f 64 -w '127.0.1.[1-N]' -- true`, and for
three commands `-c true -c true -c true` (one session per node, three channels).
Medians of {runs} runs, the tools alternating. Seconds: wall; client CPU
(user+system of the command and its children, getrusage); sshd CPU (a cpuacct
cgroup holding the sshd and every session process it forks); machine CPU
(busy time of all cores from /proc/stat, other builds included). The ratio
column is greenlight's wall time over the best peer's of the same row group.
Targets: one command on 200 <= 0.25x the best peer's wall time, three commands
<= 0.25x the best peer with shared connections.

| run | wall | greenlight / best peer | client CPU | sshd CPU | machine CPU |
|---|---:|---:|---:|---:|---:|
{row("greenlight, `true` on 50", "gl50", b50)}
{row("clush, `true` on 50", "cs50")}
{row("pdsh, `true` on 50", "pd50")}
{row("greenlight, `true` on 200", "gl200", b200)}
{row("clush, `true` on 200", "cs200")}
{row("pdsh, `true` on 200", "pd200")}
{row("greenlight, 3 x `true` on 200", "gl3x200", b3)}
{row("clush, 3 x `true` on 200", "cs3x200")}
{row("pdsh, 3 x `true` on 200", "pd3x200")}
{row("clush ControlPersist, 3 x `true` on 200", "cm3x200")}

Best peer: {names[b50]} on 50, {names[b200]} on 200, {names[b3]} for three commands.
{per_login}
""")
PY
)
/usr/bin/python3 "$here/write_section.py" "$here/RESULTS.md" "$section"
echo "$section"
