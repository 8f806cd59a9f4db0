# golang:1.19 — Debian 12's Go (golang-1.19, 1.19.8) with gcc, libc6-dev, git and make,
# GOPATH=/go, working directory /go. CGO_ENABLED=0 go build gives a static binary.
IMAGE=localhost/layerlab/base/golang:1.19-bookworm
SUITE=bookworm VARIANT=minbase SLIM=0
INCLUDE=golang-go,gcc,libc6-dev,git,make,pkg-config,ca-certificates,curl
ARCHES=host
VERSION_OF=golang-1.19-go
HOOKS=(--customize-hook="$LIB/hooks/docker-apt.sh" --customize-hook='mkdir -p "$1"/go/bin "$1"/go/src && chmod -R 1777 "$1"/go')
CHANGES=(
  'ENV PATH=/go/bin:/usr/lib/go-1.19/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
  'ENV GOPATH=/go'
  'ENV GOTOOLCHAIN=local'
  'WORKDIR /go'
  'CMD ["bash"]'
)
PUSH=(library/golang:1.19 library/golang:1.19-bookworm library/golang:{v} library/golang:{v}-bookworm)
