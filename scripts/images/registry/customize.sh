#!/bin/sh
# mmdebstrap customize hook for the registry image; $1 = root directory.
set -e
here="$(dirname "$0")"
root="$1"
"$here/../lib/hooks/docker-apt.sh" "$root"
install -m 0644 "$here/rootfs/etc/docker/registry/config.yml" "$root/etc/docker/registry/config.yml"
install -m 0755 "$here/rootfs/entrypoint.sh" "$root/entrypoint.sh"
# upstream's binary is /bin/registry ("registry garbage-collect ...")
ln -sf docker-registry "$root/usr/bin/registry"
mkdir -p "$root/var/lib/registry"
# Debian's package runs it as user docker-registry via systemd; the image, like
# upstream's, runs it as root in the container and stores data under /var/lib/registry.
rm -rf "$root/var/lib/docker-registry"
rm -f "$root/etc/init.d/docker-registry"
# the lab registry's two-endpoint set-up (read-only for sandboxes, push with auth)
install -d "$root/etc/layerlab"
install -m 0644 "$here/rootfs/etc/layerlab/registry-readonly.yml" "$here/rootfs/etc/layerlab/registry-push.yml" "$root/etc/layerlab/"
install -m 0755 "$here/rootfs/usr/local/bin/layerlab-lab-registry" "$root/usr/local/bin/layerlab-lab-registry"
