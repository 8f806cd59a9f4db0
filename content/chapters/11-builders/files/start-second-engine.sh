#!/bin/bash
# Starts a second Docker engine beside your own: another rootless dockerd, on its own socket, with its
# own images, containers and build cache, as a second machine would have. It pulls through the lab's
# registry like yours (the same daemon.json). Run it again after your sandbox restarts; it prints where
# the engine listens.
set -euo pipefail
run="$HOME/.run-second"
sock="$run/docker.sock"
if DOCKER_HOST="unix://$sock" docker version >/dev/null 2>&1; then echo "The second engine already answers at unix://$sock"; exit 0; fi
mkdir -p "$run" "$HOME/.config/docker-second" && chmod 0700 "$run"
cp "$HOME/.config/docker/daemon.json" "$HOME/.config/docker-second/daemon.json"
rm -rf "$run/docker.pid" "$sock" "$run/dockerd-rootless" "$run/docker" "$run/containerd"
XDG_RUNTIME_DIR="$run" setsid /usr/share/docker.io/contrib/dockerd-rootless.sh \
  --config-file "$HOME/.config/docker-second/daemon.json" --data-root "$HOME/.local/share/docker-second" \
  >"$run/dockerd.log" 2>&1 </dev/null &
for _ in $(seq 150); do
  if DOCKER_HOST="unix://$sock" docker version >/dev/null 2>&1; then echo "A second engine answers at unix://$sock"; exit 0; fi
  sleep 0.2
done
echo "The second engine did not start; the end of its log:" >&2; tail -n 20 "$run/dockerd.log" >&2; exit 1
