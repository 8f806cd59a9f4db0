# node:18 — Debian 12's nodejs (18.19) and npm plus the build tools and VCS clients
# Docker's node:18 carries (git, openssh-client, curl, python3, make, g++), on the full base.
IMAGE=localhost/layerlab/base/node:18-bookworm
SUITE=bookworm VARIANT=minbase SLIM=0
INCLUDE=nodejs,npm,ca-certificates,curl,git,openssh-client,python3,make,g++,procps,xz-utils
ARCHES=host
VERSION_OF=nodejs
HOOKS=(--customize-hook="$LIB/hooks/docker-apt.sh" --customize-hook="$LIB/hooks/node-user.sh")
CHANGES=(
  'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
  'CMD ["node"]'
)
PUSH=(library/node:18 library/node:18-bookworm library/node:{v2} library/node:{v2}-bookworm library/node:{v})
