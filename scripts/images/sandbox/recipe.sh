# The learner's sandbox: Debian trixie with a rootless Docker 26 engine (containerd
# image store, BuildKit, buildx) and the tools a learner needs. Run by the podman
# driver as a user-namespaced container; see scripts/images/README.md.
IMAGE=localhost/layerlab/sandbox:latest
SUITE=trixie VARIANT=minbase SLIM=1
ARCHES=host
VERSION_OF=docker.io
INCLUDE=docker.io,docker-cli,docker-buildx,containerd,runc,podman,buildah,rootlesskit,slirp4netns,uidmap,fuse-overlayfs,iptables,iproute2,ca-certificates,openssl,curl,git,openssh-client,vim,nano,tmux,jq,tree,less,procps,psmisc,file,bash-completion,apache2-utils,netcat-openbsd,iputils-ping,xz-utils,unzip
HOOKS=(--customize-hook="$R/customize.sh")
CHANGES=(
  'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
  'ENV LANG=C.UTF-8'
  'ENV PODMAN_IGNORE_CGROUPSV1_WARNING=1'
  'ENV XDG_RUNTIME_DIR=/home/learner/.run'
  'WORKDIR /home/learner'
  'CMD ["/usr/local/bin/layerlab-sandbox-init"]'
)
PUSH=()
