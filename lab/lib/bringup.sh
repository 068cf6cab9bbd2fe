# shellcheck shell=bash disable=SC2034,SC2154
# `lab up`, sourced by lab/lab: the lab's files in DIR, its network, its
# BMCs, then every physical host powered on through its BMC, the GlusterFS
# pool and volumes on the first boot, and the VMs started by fleet.

# Keys, host files, the hosts' stand-ins and their settings, the site.
write_files() {
  local host hd key
  mkdir -p "$dir"/{etc,sbin,site,ssh,runs}
  ssh-keygen -q -t ed25519 -N '' -C greenlight-lab -f "$dir/ssh/id_ed25519"
  cp "$dir/ssh/id_ed25519.pub" "$dir/ssh/authorized_keys"
  : >"$dir/ssh/known_hosts"
  { echo "127.0.0.1 localhost"; /usr/bin/python3 "$here/bin/lab-names" critical "$src/examples/ocean/confiture/addresses.yaml"; } >"$dir/etc/hosts"
  /usr/bin/python3 "$here/bin/lab-names" all "$src/examples/ocean/confiture/addresses.yaml" >"$dir/etc/dns-hosts"
  printf 'nameserver %s\nnameserver %s\noptions timeout:1 attempts:1\n' "${address[ns1]}" "${address[ns2]}" >"$dir/etc/resolv.conf"
  # Each stand-in first adds itself to the host's record (lab/host/record).
  local record='sh %s/host/record %s/$(hostname)/commands.log'
  for tool in systemctl poweroff; do
    printf "#!/bin/sh\n$record %s \"\$@\"\nLAB_DIR=%s HOST=\$(hostname) exec sh %s/host/%s \"\$@\"\n" \
      "$here" "$dir" "$tool" "$dir" "$here" "$tool" >"$dir/sbin/$tool"
  done
  printf "#!/bin/sh\n$record fleetctl \"\$@\"\nGREENLIGHT_FLEET_STATE=%s/fleet.json exec /usr/bin/python3 %s/bin/fleetctl \"\$@\"\n" \
    "$here" "$dir" "$dir" "$here" >"$dir/sbin/fleetctl"
  chmod +x "$dir"/sbin/*
  for host in "${physical[@]}" "${vms[@]}"; do
    hd=$dir/$host
    mkdir -p "$hd"/{netns,mnt}
    echo "$host" >"$hd/hostname"
    cp "$dir/etc/hosts" "$hd/hosts"   # the host's own /etc/hosts, edited on its own
    cat >"$hd/host.env" <<ENV
ADDRESS=${address[$host]}
BMC=${bmc[$host]:-}
MACHINE=$(machine_of "$host")
SERVICES="$(services_of "$host")"
ENV
    ssh-keygen -q -t ed25519 -N '' -C "$host" -f "$hd/host_key"
    key=$(cut -d' ' -f1,2 "$hd/host_key.pub")
    echo "${address[$host]},$host $key" >>"$dir/ssh/known_hosts"
    { sshd_config 22 "${address[$host]}" "$hd/host_key" /run/sshd.pid "$dir/ssh/authorized_keys"
      echo "ForceCommand sh $here/host/record $hd/commands.log ssh"; } >"$hd/sshd_config"
  done
  for host in "${hypervisors[@]}"; do
    mkdir -p "$dir/$host"/{glusterd,glusterfs-log,bricks}
    cp -a /var/lib/glusterd/hooks /var/lib/glusterd/groups "$dir/$host/glusterd/"
  done
  sed -e "s|@DIR@|$dir|g" -e "s|@SRC@|$src|g" "$src/examples/lab/site.yaml" >"$dir/site/site.yaml"
  # LAB_LOG_LEVEL=debug: serve on top1 logs every check result and each
  # reading a gate waits on (DIR/top1/greenlight.log).
  if [[ -n ${LAB_LOG_LEVEL:-} ]]; then printf 'log: {level: %s}\n' "$LAB_LOG_LEVEL" >>"$dir/site/site.yaml"; fi
  ln -s "$src/examples/ocean/confiture" "$dir/site/confiture"
  write_fleet_state
}

write_fleet_state() {
  /usr/bin/python3 - "$dir/fleet.json" "${physical[@]}" -- "${vms[@]}" <<PY
import hashlib, json, sys
args = sys.argv[2:]
hosts, vms = args[:args.index("--")], args[args.index("--") + 1:]
addresses = {$(for h in "${physical[@]}"; do printf '"%s": "%s", ' "$h" "${address[$h]}"; done)}
placed = {$(for v in "${vms[@]}"; do printf '"%s": "%s", ' "$v" "${placed[$v]}"; done)}
machine = lambda h: hashlib.md5(h.encode()).hexdigest()
state = {"transition_seconds": 2,
         "machines": {machine(h): {"ip": addresses[h], "up": False, "agent": False} for h in hosts},
         "units": {"pcocc-vm-%s.service" % v: {"machine": machine(placed[v]), "target": "running",
                   "changed": 0, "actual": "dead"} for v in vms}}
json.dump(state, open(sys.argv[1], "w"), indent=1)
PY
}

# A switch namespace holding the bridge; every host, the workstation and the
# BMC network a namespace with a veth to it. Links of hosts stay down until
# they boot.
make_network() {
  local sw name
  sw=$(ns_of sw)
  ip netns add "$sw"
  ip -n "$sw" link add br0 type bridge
  ip -n "$sw" link set br0 up
  for name in "${physical[@]}" "${vms[@]}" ws bmc; do
    local ns
    ns=$(ns_of "$name")
    ip netns add "$ns"
    ip -n "$sw" link add "v-$name" type veth peer name eth0 netns "$ns"
    ip -n "$sw" link set "v-$name" master br0 up
    ip -n "$ns" link set lo up
  done
  for name in "${physical[@]}" "${vms[@]}" ws; do
    ip -n "$(ns_of "$name")" addr add "${address[$name]}/8" dev eth0
  done
  ip -n "$(ns_of ws)" link set eth0 up
  local bmcs
  bmcs=$(ns_of bmc)
  for name in "${physical[@]}"; do ip -n "$bmcs" addr add "${bmc[$name]}/8" dev eth0; done
  ip -n "$bmcs" link set eth0 up
}

# One ipmi_sim per physical host (lab/bmc.sh) on the BMC network, chassis
# off; its on-power hook switches the host.
start_bmcs() {
  local host specs=()
  for host in "${physical[@]}"; do
    mkdir -p "$dir/bmc/$host"
    echo 0 >"$dir/bmc/$host/power"
    printf '#!/bin/sh\nexec bash %s -d %s power-hook %s "$1"\n' "$here/lab" "$dir" "$host" >"$dir/bmc/$host/on-power"
    chmod +x "$dir/bmc/$host/on-power"
    specs+=("$host=${bmc[$host]}")
  done
  ip netns exec "$(ns_of bmc)" bash "$here/bmc.sh" up "$dir/bmc" "${specs[@]}"
}

# Waits (up to TENTHS tenths of a second) until COMMAND... succeeds.
wait_until() {
  local tries=$1
  shift
  for _ in $(seq "$tries"); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  return 1
}
gluster_top1() { nsenter -t "$(host_init top1)" -m -u -n -p gluster --mode=script "$@"; }
sshd_answers() { ip netns exec "$(ns_of ws)" bash -c "exec 3<>/dev/tcp/${address[$1]}/22"; }
mounted_everywhere() {
  local host volume
  for host in "${hypervisors[@]}"; do
    for volume in $LAB_VOLUMES; do
      grep -q " /mnt/$volume fuse.glusterfs " "/proc/$(host_init "$host")/mounts" || return 1
    done
  done
}
units_running() {
  [[ $(GREENLIGHT_FLEET_STATE=$dir/fleet.json /usr/bin/python3 "$here/bin/fleetctl" list-units \
    --no-legend --fields sub | grep -vc '^running') == 0 ]]
}
serve_ready() {
  [[ $(ip netns exec "$(ns_of ws)" curl -s -o /dev/null -w '%{http_code}' \
    "http://${address[top1]}:9877/-/ready") == 200 ]]
}
glusterd_answers() { nsenter -t "$(host_init "$1")" -m -u -n -p gluster --mode=script pool list; }

form_pool() {
  local host volume bricks
  for host in "${hypervisors[@]}"; do
    wait_until 200 glusterd_answers "$host" || die "glusterd of $host does not answer (see $dir/$host/glusterd.log)"
  done
  for host in "${hypervisors[@]:1}"; do gluster_top1 peer probe "$host" >/dev/null; done
  wait_until 300 test "$(gluster_top1 peer status 2>/dev/null | grep -c '(Connected)')" = $((${#hypervisors[@]} - 1)) ||
    die "the pool did not connect: $(gluster_top1 pool list 2>&1)"
  for volume in $LAB_VOLUMES; do
    bricks=()
    for host in "${tops[@]}"; do bricks+=("$host:$dir/$host/bricks/$volume"); done
    gluster_top1 volume create "$volume" replica "${#tops[@]}" "${bricks[@]}" force >/dev/null
    gluster_top1 volume start "$volume" >/dev/null
  done
}

cmd_up() {
  local greenlight=""
  while [[ $# -gt 0 ]]; do
    case $1 in
      --greenlight) greenlight=$(realpath "${2:?--greenlight PATH}"); shift 2 ;;
      *) die "up: unknown option $1" ;;
    esac
  done
  [[ -e $dir/cluster.env ]] && die "a lab is already up in $dir (run: $0 -d $dir down)"
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  local started host
  started=$(now_ms)
  # top1 runs its own copy, as a package installs it: a rebuild of PATH
  # while the lab is up does not change (or remove) the serve it runs.
  if [[ -n $greenlight ]]; then
    mkdir -p "$dir/installed"
    cp "$greenlight" "$dir/installed/greenlight.new" && mv -f "$dir/installed/greenlight.new" "$dir/installed/greenlight"
    greenlight=$dir/installed/greenlight
  fi
  # Written first: down undoes a failed up from it.
  cat >"$dir/cluster.env" <<ENV
LAB_ID=$(printf '%04x' $((RANDOM % 65536)))
LAB_SRC=$src
LAB_GREENLIGHT=$greenlight
LAB_VOLUMES="volspoms1 volspoms2"
ENV
  load
  trap 'echo "lab: up failed; undo it with: $0 -d $dir down" >&2' ERR
  # Interrupted, it removes what it made so far: nothing half up is left.
  trap 'trap - ERR INT TERM; echo "lab: up interrupted; removing what it made" >&2; cmd_down; exit 130' INT TERM
  write_files
  make_network
  start_bmcs
  for host in "${physical[@]}"; do bmc_power "$host" on >/dev/null; done
  for host in "${physical[@]}"; do
    wait_until 300 sshd_answers "$host" || die "$host: sshd does not answer (see $dir/$host/console)"
  done
  form_pool
  wait_until 600 mounted_everywhere || die "the volumes are not mounted on every hypervisor"
  wait_until 600 units_running || die "the VMs are not all running: $(bash "$0" -d "$dir" status)"
  for host in "${vms[@]}"; do
    wait_until 100 sshd_answers "$host" || die "$host: sshd does not answer (see $dir/$host/console)"
  done
  if [[ -n $LAB_GREENLIGHT ]]; then
    # serve started with top1's first boot, before the pool, the volumes and
    # the VMs existed: restarted, its first results are of the cluster up,
    # as on a site where top1 boots into a running cluster.
    nsenter -t "$(host_init top1)" -m -u -n -p env -i PATH="$host_path" HOME=/root LANG=C.UTF-8 systemctl restart greenlight
    wait_until 300 serve_ready || die "greenlight serve on top1 is not ready (see $dir/top1/greenlight.log)"
  fi
  setsid /usr/bin/python3 "$here/bin/lab-forward" 0 "/run/netns/$(ns_of ws)" "${address[top1]}" 9877 \
    "$dir/forward.port" </dev/null >/dev/null 2>&1 &
  echo $! >"$dir/forward.pid"
  wait_until 50 test -s "$dir/forward.port"
  trap - ERR INT TERM
  echo "lab up in $dir in $(($(now_ms) - started)) ms: ${physical[*]} ${vms[*]}"
  if [[ -n $LAB_GREENLIGHT ]]; then
    echo "  site: $dir/site/site.yaml; status page (serve on top1): http://127.0.0.1:$(cat "$dir/forward.port")/"
  else
    echo "  site: $dir/site/site.yaml; no greenlight serve on top1 (up --greenlight PATH starts one)"
  fi
}
