#!/usr/bin/env bash
# layerlab host set-up: prepares this machine (Debian 12 bookworm, run as root) to run
# learner sandboxes with podman. Idempotent: every step checks before it changes
# anything, so a second run takes about a second.
#
#   bash scripts/host-setup.sh            # everything
#
# Environment:
#   LAYERLAB_SUBNET   subnet of the podman network "layerlab" (default 10.231.7.0/24,
#                     gateway .1, the lab registry gets .2)
#   LAYERLAB_SKIP_PACKAGES=1   do not check/install apt packages
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ll_prefix="host-setup"
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

ll_require_root

# --------------------------------------------------------------------------- packages
# Host packages. chromium is only for the e2e tests; curl for health checks;
# arch-test lets mmdebstrap verify it can run arm64 binaries; catatonit is podman's --init;
# apache2-utils (htpasswd) makes the lab registry's push password.
# strace: the terminal test holds back tmux's attach with its fault injection (server/terminal/host-tmux.test-support.ts).
# postgresql: the tests run the data layer against it too (scripts/postgres-for-tests.sh).
# zstd compresses the kept homes of expired sandboxes (server/sandbox/home-archive.ts).
HOST_PACKAGES=(
  podman runc uidmap slirp4netns fuse-overlayfs netavark aardvark-dns iptables nftables kmod e2fsprogs util-linux zstd
  catatonit qemu-user-static binfmt-support arch-test mmdebstrap debian-archive-keyring
  ca-certificates curl apache2-utils tmux jq chromium strace
  postgresql
)

pkg_installed() {
  [ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null)" = "ii " ]
}

step_packages() {
  if [ "${LAYERLAB_SKIP_PACKAGES:-0}" = 1 ]; then ll_log "packages: skipped (LAYERLAB_SKIP_PACKAGES=1)"; return; fi
  local missing=() p
  for p in "${HOST_PACKAGES[@]}"; do
    pkg_installed "$p" || missing+=("$p")
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    ll_log "packages: all ${#HOST_PACKAGES[@]} present"
    return
  fi
  ll_log "packages: installing ${missing[*]} (apt-get update + install, quiet)"
  export DEBIAN_FRONTEND=noninteractive
  # A third-party source that cannot be reached must not stop us: apt-get install
  # below fails clearly if Debian's own indexes are missing.
  if ! ll_quiet apt-get -qq update; then
    ll_warn "apt-get update reported errors (see above); trying to install anyway"
  fi
  if ! ll_quiet apt-get -qq -y -o Dpkg::Use-Pty=0 --no-install-recommends install "${missing[@]}"; then
    ll_die "could not install: ${missing[*]}. Check that Debian's package mirror is reachable (apt-get update) and that /etc/apt/sources.list(.d) names bookworm main, then run this script again."
  fi
  for p in "${missing[@]}"; do
    pkg_installed "$p" || ll_die "package $p is still not installed after apt-get install; install it by hand (apt-get install $p) and run again."
  done
  ll_log "packages: installed ${#missing[@]}"
}

# --------------------------------------------------------------------------- disk
step_disk() {
  mkdir -p /var/lib/containers
  ll_check_disk /var/lib/containers 5
  ll_log "disk: $(df -Ph /var/lib/containers | awk 'NR==2 {print $4}') free for /var/lib/containers"
}

# --------------------------------------------------------------------------- kernel
step_kernel() {
  local n
  n="$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 0)"
  [ "$n" -gt 0 ] || ll_die "user namespaces are disabled (user.max_user_namespaces=$n); every sandbox needs one. Run: sysctl -w user.max_user_namespaces=65536 (and persist it in /etc/sysctl.d)."
  ll_log "kernel: user namespaces available ($n)"
}

# --------------------------------------------------------------------------- subuid
step_subids() {
  local f changed=""
  for f in /etc/subuid /etc/subgid; do
    touch "$f"
    if ! grep -q '^containers:' "$f"; then
      echo 'containers:2000000:100000000' >>"$f"
      changed+=" $f"
    fi
  done
  if [ -n "$changed" ]; then ll_log "subids: added containers:2000000:100000000 to$changed"
  else ll_log "subids: containers: range present"; fi
}

# --------------------------------------------------------------------------- devices
step_devices() {
  local d mode changed=""
  [ -e /dev/net/tun ] || { modprobe tun 2>/dev/null || true; }
  [ -e /dev/fuse ] || { modprobe fuse 2>/dev/null || true; }
  for d in /dev/net/tun /dev/fuse; do
    [ -e "$d" ] || ll_die "$d does not exist; load the kernel module (modprobe ${d##*/}) or enable it in the kernel, then run again."
    mode="$(stat -c %a "$d")"
    if [ "$mode" != 666 ]; then chmod 0666 "$d"; changed+=" $d"; fi
  done
  if [ -n "$changed" ]; then ll_log "devices: chmod 0666$changed"
  else ll_log "devices: /dev/net/tun and /dev/fuse are 0666"; fi
}

# --------------------------------------------------------------------------- binfmt
step_binfmt() {
  local bm=/proc/sys/fs/binfmt_misc
  if ! mountpoint -q "$bm"; then
    modprobe binfmt_misc 2>/dev/null || true
    mount binfmt_misc -t binfmt_misc "$bm" 2>/dev/null ||
      ll_die "cannot mount binfmt_misc on $bm. The kernel needs CONFIG_BINFMT_MISC (or 'modprobe binfmt_misc'), and inside a container it must be privileged. Without it arm64 images cannot be built or run."
    ll_log "binfmt: mounted binfmt_misc"
  fi
  if [ ! -e "$bm/qemu-aarch64" ] || ! grep -q '^enabled' "$bm/qemu-aarch64"; then
    update-binfmts --import qemu-aarch64 >/dev/null 2>&1 || true
    ll_quiet update-binfmts --enable qemu-aarch64 ||
      ll_die "update-binfmts --enable qemu-aarch64 failed; reinstall qemu-user-static binfmt-support (apt-get install --reinstall qemu-user-static) and run again."
    # enable the other qemu formats too (quietly; arm64 is the one the lab needs)
    update-binfmts --enable >/dev/null 2>&1 || true
  fi
  grep -q '^enabled' "$bm/qemu-aarch64" 2>/dev/null ||
    ll_die "qemu-aarch64 is not registered in $bm after update-binfmts; check 'update-binfmts --display qemu-aarch64'."
  grep -q '^flags:.*F' "$bm/qemu-aarch64" ||
    ll_die "qemu-aarch64 is registered without the F (fix-binary) flag, so it would not work inside sandboxes. Run: update-binfmts --disable qemu-aarch64 && update-binfmts --enable qemu-aarch64 (qemu-user-static from Debian sets fix_binary yes)."
  ll_log "binfmt: qemu-aarch64 enabled ($(sed -n 's/^flags: //p' "$bm/qemu-aarch64") flags)"
}

# --------------------------------------------------------------------------- containers.conf
step_containers_conf() {
  local dir=/etc/containers/containers.conf.d f want
  f="$dir/layerlab.conf"
  want='# Written by layerlab scripts/host-setup.sh; edits are overwritten.
[containers]
# podman'"'"'s built-in default ulimits fail on this kind of machine ("error setting rlimit type 7")
default_ulimits = ["nofile=16384:16384", "nproc=8192:8192"]

[engine]
# crun 1.8 fails on hybrid cgroup v1 ("cgroups in hybrid mode not supported")
runtime = "runc"
# no systemd here: plain cgroupfs and a file events log avoid fallbacks and warnings
cgroup_manager = "cgroupfs"
events_logger = "file"

[network]
# the layerlab network and its fixed registry address are made with netavark
network_backend = "netavark"
'
  mkdir -p "$dir"
  if [ -f "$f" ] && [ "$(cat "$f")" = "$(printf '%s' "$want")" ]; then
    ll_log "containers.conf: $f up to date"
  else
    printf '%s' "$want" >"$f"
    ll_log "containers.conf: wrote $f"
  fi
}

# --------------------------------------------------------------------------- network
step_network() {
  local subnet
  if podman network exists "$LAYERLAB_NETWORK" 2>/dev/null; then
    subnet="$(podman network inspect "$LAYERLAB_NETWORK" --format '{{range .Subnets}}{{.Subnet}} {{end}}' 2>/dev/null | awk '{print $1}')"
    if [ "$subnet" != "$LAYERLAB_SUBNET" ]; then
      ll_die "podman network '$LAYERLAB_NETWORK' exists with subnet '$subnet', but LAYERLAB_SUBNET is '$LAYERLAB_SUBNET'. Either unset/adjust LAYERLAB_SUBNET, or stop the containers on it and run 'podman network rm $LAYERLAB_NETWORK', then run again."
    fi
    ll_log "network: '$LAYERLAB_NETWORK' exists ($subnet)"
    return
  fi
  ll_quiet podman network create --driver bridge \
    --subnet "$LAYERLAB_SUBNET" --gateway "$LAYERLAB_GATEWAY" "$LAYERLAB_NETWORK" ||
    ll_die "could not create podman network '$LAYERLAB_NETWORK' ($LAYERLAB_SUBNET). If the subnet clashes with another network, set LAYERLAB_SUBNET to a free /24."
  ll_log "network: created '$LAYERLAB_NETWORK' (bridge $(podman network inspect "$LAYERLAB_NETWORK" --format '{{.NetworkInterface}}')) $LAYERLAB_SUBNET gateway $LAYERLAB_GATEWAY"
}

step_packages
step_disk
step_kernel
step_subids
step_devices
step_binfmt
step_containers_conf
step_network
ll_log "host set-up done"
