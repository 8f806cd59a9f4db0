# debian:bookworm-slim — Debian 12 minbase without docs, man pages and locales, with
# the apt settings of Docker's official debian images. amd64 + arm64 (one index).
IMAGE=localhost/layerlab/base/debian:bookworm-slim
SUITE=bookworm VARIANT=minbase SLIM=1
ARCHES="amd64 arm64"
HOOKS=(--customize-hook="$LIB/hooks/docker-apt.sh")
CHANGES=(
  'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
  'CMD ["bash"]'
)
PUSH=(library/debian:bookworm-slim library/debian:12-slim)
