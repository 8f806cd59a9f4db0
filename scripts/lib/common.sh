# Shared bash helpers for layerlab's host scripts. Source it; do not run it.
# shellcheck shell=bash

LAYERLAB_SUBNET="${LAYERLAB_SUBNET:-10.231.7.0/24}"
LAYERLAB_NETWORK="${LAYERLAB_NETWORK:-layerlab}"
# host loopback ports of the lab registry: read-only (same view as sandboxes) and
# read-write (push; needs the credentials in $LAYERLAB_STATE_DIR/registry-push/auth)
LAYERLAB_REGISTRY_HOST_PORT="${LAYERLAB_REGISTRY_HOST_PORT:-5000}"
LAYERLAB_REGISTRY_PUSH_PORT="${LAYERLAB_REGISTRY_PUSH_PORT:-5001}"
LAYERLAB_REGISTRY_CONTAINER="${LAYERLAB_REGISTRY_CONTAINER:-layerlab-registry}"
LAYERLAB_REGISTRY_VOLUME="${LAYERLAB_REGISTRY_VOLUME:-layerlab-registry-data}"
LAYERLAB_STATE_DIR="${LAYERLAB_STATE_DIR:-/var/lib/layerlab}"

# First three octets of an IPv4 /24 (or larger) subnet: 10.231.7.0/24 -> 10.231.7
ll_subnet_prefix() { local s="${1%/*}"; echo "${s%.*}"; }
LAYERLAB_GATEWAY="${LAYERLAB_GATEWAY:-$(ll_subnet_prefix "$LAYERLAB_SUBNET").1}"
LAYERLAB_REGISTRY_IP="${LAYERLAB_REGISTRY_IP:-$(ll_subnet_prefix "$LAYERLAB_SUBNET").2}"
# The address sandboxes use for the lab registry (mirror + insecure registry).
LAYERLAB_REGISTRY="${LAYERLAB_REGISTRY:-$LAYERLAB_REGISTRY_IP:5000}"
# The addresses the host uses: reads (no auth) and pushes (basic auth).
LAYERLAB_REGISTRY_LOCAL="127.0.0.1:$LAYERLAB_REGISTRY_HOST_PORT"
LAYERLAB_REGISTRY_PUSH="127.0.0.1:$LAYERLAB_REGISTRY_PUSH_PORT"

ll_t0=${ll_t0:-$SECONDS}
ll_prefix="${ll_prefix:-layerlab}"

ll_log()  { printf '[%s %4ss] %s\n' "$ll_prefix" "$((SECONDS - ll_t0))" "$*"; }
ll_warn() { printf '[%s %4ss] WARNING: %s\n' "$ll_prefix" "$((SECONDS - ll_t0))" "$*" >&2; }
ll_die()  { printf '[%s] ERROR: %s\n' "$ll_prefix" "$*" >&2; exit 1; }

ll_require_root() {
  [ "$(id -u)" = 0 ] || ll_die "this must run as root (it changes system configuration). Run: sudo bash $0"
}

# ll_check_disk PATH MIN_GB — die when the filesystem holding PATH (or its nearest
# existing parent) has less than MIN_GB free.
ll_check_disk() {
  local p="$1" min_gb="$2" avail_kb
  while [ ! -e "$p" ]; do p="$(dirname "$p")"; done
  avail_kb="$(df -Pk "$p" | awk 'NR==2 {print $4}')"
  if [ "${avail_kb:-0}" -lt $((min_gb * 1024 * 1024)) ]; then
    ll_die "only $((avail_kb / 1024 / 1024)) GB free on the filesystem holding $1 (need at least ${min_gb} GB). Free some space (e.g. 'podman system prune', 'podman volume prune', remove old files under /var/tmp/layerlab-build or /var/cache/layerlab) and run again."
  fi
}

# Run a command quietly; on failure print its output and return its status.
ll_quiet() {
  local out rc
  out="$("$@" 2>&1)" && return 0
  rc=$?
  printf '%s\n' "$out" | tail -n 40 >&2
  return "$rc"
}
