# busybox — Debian's busybox-static (bookworm: 1.35.0) as a one-binary image like
# Docker Hub's busybox: /bin/busybox plus a symlink per applet, /etc/passwd & group.
# amd64 + arm64 as one multi-platform index.
IMAGE=localhost/layerlab/base/busybox:latest
SUITE=bookworm VARIANT=extract INCLUDE=busybox-static
ARCHES="amd64 arm64"
VERSION_OF=busybox-static
CHANGES=(
  'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
  'CMD ["sh"]'
)
PUSH=(library/busybox:latest library/busybox:{v2} library/busybox:{v})

# build_rootfs ARCH OUT.tar: extract the busybox-static package (no maintainer
# scripts, nothing else) and lay out a tiny root filesystem around its binary.
build_rootfs() {
  local arch="$1" out="$2" tmp
  tmp="$(mktemp -d "$LL_SCRATCH/busybox-$arch.XXXXXX")"
  mkdir -p "$LL_APT_CACHE/$SUITE-$arch"
  if ! mmdebstrap -q --mode=root --variant=extract --arch="$arch" --include=busybox-static \
      --skip=download/empty --skip=essential/unlink \
      --setup-hook='mkdir -p "$1"/var/cache/apt/archives/' \
      --setup-hook="sync-in $LL_APT_CACHE/$SUITE-$arch /var/cache/apt/archives/" \
      --customize-hook="sync-out /var/cache/apt/archives $LL_APT_CACHE/$SUITE-$arch" \
      --format=directory "$SUITE" "$tmp/extract" ${LAYERLAB_DEBIAN_MIRROR:+"$LAYERLAB_DEBIAN_MIRROR"} 2>"$tmp/log"; then
    tail -n 30 "$tmp/log" >&2; rm -rf "$tmp"; return 1
  fi
  local bb="$tmp/extract/usr/bin/busybox"
  [ -x "$bb" ] || bb="$tmp/extract/bin/busybox"
  [ -x "$bb" ] || { echo "busybox binary not found in busybox-static" >&2; rm -rf "$tmp"; return 1; }
  # "BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) multi-call binary." (runs under qemu for arm64)
  "$bb" 2>&1 | sed -n '1s/^BusyBox v\([0-9.]*\).*/\1/p' >"$out.version"
  local r="$tmp/root" a
  mkdir -p "$r/bin" "$r/etc" "$r/root" "$r/tmp" "$r/var/spool/mail" "$r/var/www" "$r/home" "$r/usr/sbin" "$r/dev" "$r/proc" "$r/sys"
  chmod 1777 "$r/tmp"; chmod 0700 "$r/root"
  install -m 0755 "$bb" "$r/bin/busybox"
  # applet list from the binary itself (runs under qemu for arm64)
  for a in $("$r/bin/busybox" --list); do
    [ "$a" = busybox ] || ln -s busybox "$r/bin/$a"
  done
  install -m 0644 "$R/rootfs/etc/passwd" "$R/rootfs/etc/group" "$r/etc/"
  install -m 0640 "$R/rootfs/etc/shadow" "$r/etc/shadow"
  tar -C "$r" --numeric-owner --owner=0 --group=0 -cf "$out" .
  rm -rf "$tmp"
}
