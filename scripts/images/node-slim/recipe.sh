# node:18-bookworm-slim — Debian 12's nodejs (18.19) and npm on the slim base.
IMAGE=localhost/layerlab/base/node:18-bookworm-slim
SUITE=bookworm VARIANT=minbase SLIM=1
INCLUDE=nodejs,npm,ca-certificates
ARCHES=host
VERSION_OF=nodejs
HOOKS=(--customize-hook="$LIB/hooks/docker-apt.sh" --customize-hook="$LIB/hooks/node-user.sh")
CHANGES=(
  'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
  'CMD ["node"]'
)
PUSH=(library/node:18-slim library/node:18-bookworm-slim library/node:{v2}-slim library/node:{v2}-bookworm-slim library/node:{v}-slim)
