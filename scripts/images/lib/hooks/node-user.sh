#!/bin/sh
# mmdebstrap customize hook: the "node" user (uid/gid 1000) Docker's node images have.
set -e
chroot "$1" groupadd --gid 1000 node
chroot "$1" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
