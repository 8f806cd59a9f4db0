#!/bin/sh
# mmdebstrap customize hook for the sandbox image; $1 = root directory.
set -e
here="$(cd "$(dirname "$0")" && pwd)"
root="$1"

# our files (owned by root, modes from the repository)
tar -C "$here/rootfs" --owner=0 --group=0 -cf - . | tar -C "$root" --no-same-owner -xf -
chmod 0755 "$root"/usr/local/bin/layerlab-* "$root/usr/local/bin/containerd"
chmod 0644 "$root"/etc/containers/*.conf "$root/etc/tmux.conf" "$root/etc/bash.bashrc" "$root"/etc/profile.d/layerlab.sh "$root/etc/skel/.bashrc" "$root/etc/skel/.profile"

# the learner: uid/gid 1000, subordinate ids for rootless Docker's user namespace
chroot "$root" useradd --uid 1000 --user-group --create-home --shell /bin/bash learner
echo 'learner:100000:65536' >"$root/etc/subuid"
echo 'learner:100000:65536' >"$root/etc/subgid"
chroot "$root" install -d -o learner -g learner -m 0700 /home/learner/.run
chroot "$root" install -d -o learner -g learner -m 0755 /home/learner/.config /home/learner/.local /home/learner/.local/share
echo layerlab >"$root/etc/hostname"

# rootless Docker needs setuid newuidmap/newgidmap (file capabilities do not survive
# every import path, so make sure of the setuid bit)
chmod 4755 "$root/usr/bin/newuidmap" "$root/usr/bin/newgidmap"
test -x "$root/usr/share/docker.io/contrib/dockerd-rootless.sh"

# no system services in a container: the learner's dockerd is started by
# layerlab-docker-start; keep the rootful daemon's units and sockets out of the way
rm -f "$root/etc/init.d/docker" "$root/etc/init.d/containerd" 2>/dev/null || true
