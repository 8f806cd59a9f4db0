# Root filesystem building for layerlab images (sourced by build-all.sh).
# Everything here shapes image *content*, so this file is part of every image's
# recipe hash: changing it rebuilds all images.
# shellcheck shell=bash

LL_APT_CACHE="${LAYERLAB_APT_CACHE:-/var/cache/layerlab/apt}"
LL_SCRATCH="${LAYERLAB_BUILD_DIR:-/var/tmp/layerlab-build}"

# Files a "slim" image leaves out (as Docker's debian:*-slim does). Passed to dpkg so
# they also stay out of packages a learner installs later in that image.
LL_SLIM_DPKGOPTS=(
  'path-exclude=/usr/share/doc/*'
  'path-include=/usr/share/doc/*/copyright'
  'path-exclude=/usr/share/man/*'
  'path-exclude=/usr/share/groff/*'
  'path-exclude=/usr/share/info/*'
  'path-exclude=/usr/share/lintian/*'
  'path-exclude=/usr/share/linda/*'
  'path-exclude=/usr/share/locale/*'
  'path-include=/usr/share/locale/locale.alias'
)

# ll_mkrootfs SUITE ARCH VARIANT SLIM(0|1) OUT.tar INCLUDE(comma list or "") [extra mmdebstrap args...]
# Builds a Debian root filesystem tarball with mmdebstrap (root mode). Downloaded
# .debs are kept in $LL_APT_CACHE/<suite>-<arch> and reused by later builds.
ll_mkrootfs() {
  local suite="$1" arch="$2" variant="$3" slim="$4" out="$5" include="$6"
  shift 6
  local cache="$LL_APT_CACHE/$suite-$arch" args=() o
  mkdir -p "$cache" "$(dirname "$out")"
  args+=(--mode=root --variant="$variant" --arch="$arch" --format=tar)
  args+=(--aptopt='Acquire::Languages "none"')
  # keep the downloaded .debs: sync them in before and out after the install
  args+=(--skip=download/empty --skip=essential/unlink)
  args+=(--setup-hook='mkdir -p "$1"/var/cache/apt/archives/')
  args+=(--setup-hook="sync-in $cache /var/cache/apt/archives/")
  if [ "$slim" = 1 ]; then
    for o in "${LL_SLIM_DPKGOPTS[@]}"; do args+=(--dpkgopt="$o"); done
  fi
  # bookworm: without this hook an init-system-helpers dependency pulls in usrmerge
  # and with it all of perl (~60 MB); the hook sets up merged /usr itself and
  # installs the small usr-is-merged package instead
  [ "$suite" = bookworm ] && args+=(--hook-dir=/usr/share/mmdebstrap/hooks/merged-usr)
  [ -n "$include" ] && args+=(--include="$include")
  args+=(--customize-hook="sync-out /var/cache/apt/archives $cache")
  args+=("$@")
  # last: leave no caches, lists or build leftovers in the image
  args+=(--customize-hook='rm -f "$1"/var/cache/apt/archives/*.deb "$1"/var/cache/apt/archives/partial/*.deb "$1"/var/cache/apt/*.bin; rm -rf "$1"/var/lib/apt/lists/* "$1"/var/log/apt/* "$1"/var/log/dpkg.log "$1"/var/log/alternatives.log "$1"/var/cache/debconf/*-old "$1"/var/lib/dpkg/*-old; : > "$1"/etc/machine-id 2>/dev/null || true')
  if [ "$slim" = 1 ]; then
    # files unpacked before the dpkg path-excludes took effect (essential phase)
    args+=(--customize-hook='cd "$1" && find usr/share/doc -mindepth 1 ! -type d ! -name copyright -delete 2>/dev/null; find usr/share/doc -mindepth 1 -type d -empty -delete 2>/dev/null; rm -rf usr/share/man/* usr/share/info/* usr/share/groff/* usr/share/lintian/* usr/share/linda/*; find usr/share/locale -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} + 2>/dev/null; true')
  fi
  local mirror=()
  [ -n "${LAYERLAB_DEBIAN_MIRROR:-}" ] && mirror=("$LAYERLAB_DEBIAN_MIRROR")
  local log="$out.log"
  if ! mmdebstrap -q "${args[@]}" "$suite" - "${mirror[@]}" 2>"$log" |
      mmtarfilter --path-exclude='/dev/*' >"$out"; then
    tail -n 40 "$log" >&2
    return 1
  fi
  if [ -s "$log" ] && grep -q '^E:' "$log"; then tail -n 40 "$log" >&2; return 1; fi
  rm -f "$log"
}
