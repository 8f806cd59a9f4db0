# debian:bookworm — Debian 12 minbase with docs and man pages (like Docker's
# debian:bookworm next to debian:bookworm-slim). amd64 only.
IMAGE=localhost/layerlab/base/debian:bookworm
SUITE=bookworm VARIANT=minbase SLIM=0
ARCHES=host
HOOKS=(--customize-hook="$LIB/hooks/docker-apt.sh")
CHANGES=(
  'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
  'CMD ["bash"]'
)
PUSH=(library/debian:bookworm library/debian:12)
