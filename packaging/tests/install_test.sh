#!/usr/bin/env bash
# The .deb, built from this tree by CPack, checked by lintian (no error)
# and installed by apt into a clean Debian 12 root: its declared
# dependencies are all it gets. Then greenlight runs there, chrooted in a
# network namespace with only loopback (in_root.sh), and under systemd
# booted in that root by systemd-nspawn (booted.sh).
#
# The root comes from mmdebstrap (variant apt) with the host's own apt
# sources, and is kept under $GREENLIGHT_PACKAGE_CACHE (default
# /var/cache/greenlight/package-test) with the .debs apt downloaded, so a
# later run downloads nothing; it is made again when the sources change or
# after a week. Each run mounts an overlay of it, in a mount and PID namespace
# of its own: when the test ends, its mounts and processes end with it.
# Needs root.
set -euo pipefail

if [[ ${1:-} == --inside ]]; then
  # In the private mount and PID namespace: $2 base root, $3 work dir, $4 .deb.
  base=$2 work=$3 deb=$4 archives=$5
  root=$work/root
  mkdir -p "$work/upper" "$work/overlay" "$root"
  mount -t overlay overlay -o "lowerdir=$base,upperdir=$work/upper,workdir=$work/overlay" "$root"
  mount -t proc proc "$root/proc"
  mount -t tmpfs -o mode=755 tmpfs "$root/run"
  mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
  mount --bind "$archives" "$root/var/cache/apt/archives"
  # apt reaches the registry through the host's resolver, as mmdebstrap did.
  mount --bind /etc/resolv.conf "$root/etc/resolv.conf"
  # No service starts from a package's maintainer scripts.
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
  chmod 755 "$root/usr/sbin/policy-rc.d"
  cp "$deb" "$root/tmp/"
  echo "== apt-get install ./$(basename "$deb")"
  chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    "/tmp/$(basename "$deb")" >"$work/apt.log" 2>&1 || { cat "$work/apt.log"; exit 1; }
  grep -E '^(Setting up|Unpacking) ' "$work/apt.log" | wc -l | sed 's/^/packages unpacked or set up: /'
  here=$(dirname "$0")
  # From here on nothing resolves a name outside: the root's resolver is
  # loopback, its network namespace has only lo.
  umount "$root/etc/resolv.conf"
  printf 'nameserver 127.0.0.1\n' >"$root/etc/resolv.conf"
  printf '127.0.0.1 localhost\n' >"$root/etc/hosts"
  unshare --net bash "$here/in_root.sh" "$root" "$work"
  # systemd for the boot, once greenlight's own dependencies were proved
  # enough without it.
  mount --bind /etc/resolv.conf "$root/etc/resolv.conf"
  chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    systemd >"$work/apt-systemd.log" 2>&1 || { cat "$work/apt-systemd.log"; exit 1; }
  umount "$root/etc/resolv.conf" "$root/var/cache/apt/archives" "$root/proc" "$root/run" "$root/tmp"
  rm "$root/usr/sbin/policy-rc.d"
  bash "$here/booted.sh" "$root" "$work"
  exit 0
fi

: "${GREENLIGHT_SOURCE_DIR:?}" "${GREENLIGHT_BUILD_DIR:?}"
[[ $(id -u) -eq 0 ]] || { echo "install_test: needs root (mounts, chroot, namespaces)" >&2; exit 1; }
cache=${GREENLIGHT_PACKAGE_CACHE:-/var/cache/greenlight/package-test}
mkdir -p "$cache/archives/partial"
started=$SECONDS

# The host's own apt sources (one-line or deb822 files), pasted into the root.
sources=()
[[ -s /etc/apt/sources.list ]] && grep -q '^[[:space:]]*deb' /etc/apt/sources.list &&
  sources+=(/etc/apt/sources.list)
for file in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
  [[ -f $file ]] && sources+=("$file")
done
[[ ${#sources[@]} -gt 0 ]] || { echo "install_test: no apt sources on this host" >&2; exit 1; }

# One test at a time per cache: the base must not change under an overlay.
exec 9>"$cache/lock"
flock -w 900 9 || { echo "install_test: $cache/lock held for 15 minutes" >&2; exit 1; }

base=$cache/bookworm
key=$(cat "${sources[@]}" | sha256sum | cut -d' ' -f1)
if [[ ! -f $base.key || $(cat "$base.key") != "$key" ]] ||
  [[ -n $(find "$base.key" -mtime +7 2>/dev/null) ]]; then
  echo "== mmdebstrap: a clean Debian 12 root (variant apt) from ${sources[*]}"
  rm -rf "$base" "$base.new" "$base.key"
  # In a mount namespace of its own: whatever mmdebstrap mounts in the new
  # root ends with it, even if it fails half-way.
  unshare --mount --propagation private mmdebstrap --quiet --mode=root --variant=apt --skip=cleanup/apt/lists \
    --setup-hook="mkdir -p \"\$1/var/cache/apt/archives\"" \
    --setup-hook="sync-in $cache/archives /var/cache/apt/archives" \
    --customize-hook="sync-out /var/cache/apt/archives $cache/archives" \
    --skip=download/empty --skip=essential/unlink \
    bookworm "$base.new" "${sources[@]}"
  mv "$base.new" "$base"
  echo "$key" >"$base.key"
  echo "root made in $((SECONDS - started)) s"
fi

work=$(mktemp -d /var/tmp/greenlight-package.XXXXXX)
trap 'rm -rf --one-file-system "$work"' EXIT
echo "== cpack -G DEB"
cpack -G DEB --config "$GREENLIGHT_BUILD_DIR/CPackConfig.cmake" -B "$work/deb" >"$work/cpack.log" 2>&1 ||
  { cat "$work/cpack.log"; exit 1; }
deb=$(echo "$work"/deb/greenlight_*.deb)
[[ -f $deb ]] || { cat "$work/cpack.log"; echo "install_test: cpack made no .deb" >&2; exit 1; }
dpkg-deb -f "$deb" Package Version Depends
echo "== lintian (errors fail; warnings shown)"
lintian --fail-on error --tag-display-limit 0 "$deb" >"$work/lintian.txt" 2>&1 ||
  { cat "$work/lintian.txt"; echo "install_test: lintian found errors" >&2; exit 1; }
grep -v '^running with root privileges' "$work/lintian.txt" || true

# The namespaces end with their first process: every mount and process the
# test made there goes with them, whatever happens inside.
unshare --mount --propagation private --pid --fork --kill-child --mount-proc bash "$0" --inside "$base" "$work" "$deb" "$cache/archives"
if grep -qs " $work/" /proc/self/mountinfo; then
  echo "install_test: a mount under $work outlived its namespace" >&2
  exit 1
fi
echo "install_test: $((SECONDS - started)) s in all"
