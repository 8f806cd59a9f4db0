#!/usr/bin/env bash
# Build layerlab's images from Debian packages (mmdebstrap + podman import), start the
# lab registry and push the exercise base images into it. Idempotent: an image whose
# recipe did not change is not rebuilt, a tag the registry already holds is not pushed
# again, so a second run takes seconds.
#
#   bash scripts/images/build-all.sh               # everything (= npm run images)
#   bash scripts/images/build-all.sh sandbox node  # only these recipes (+ the registry)
#   bash scripts/images/build-all.sh --force ...   # rebuild even if up to date
#   bash scripts/images/build-all.sh --no-push     # build only, leave the registry alone
#   bash scripts/images/build-all.sh --list        # recipes, images and tags
#   LAYERLAB_IMAGE_JOBS=1 bash scripts/images/build-all.sh   # one recipe at a time (default: one per core)
#
# Environment: LAYERLAB_SUBNET, LAYERLAB_REGISTRY_HOST_PORT (see scripts/lib/common.sh),
# LAYERLAB_DEBIAN_MIRROR (default: mmdebstrap's, deb.debian.org + security),
# LAYERLAB_APT_CACHE (/var/cache/layerlab/apt), LAYERLAB_BUILD_DIR (/var/tmp/layerlab-build).
set -euo pipefail

IMAGES_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LIB="$IMAGES_DIR/lib"
ll_prefix="images"
# shellcheck source=../lib/common.sh
. "$IMAGES_DIR/../lib/common.sh"
# shellcheck source=lib/rootfs.sh
. "$LIB/rootfs.sh"

# Push order: the registry first (the lab registry runs from it), then the sandbox.
ALL_RECIPES=(registry sandbox busybox debian-slim debian node-slim node golang python)

force=0 push=1 list=0 selected=()
for a in "$@"; do
  case "$a" in
    --force) force=1 ;;
    --no-push) push=0 ;;
    --list) list=1 ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) ll_die "unknown option $a (see --help)" ;;
    *) [ -f "$IMAGES_DIR/$a/recipe.sh" ] || ll_die "no recipe '$a' (have: ${ALL_RECIPES[*]})"; selected+=("$a") ;;
  esac
done
[ "${#selected[@]}" -gt 0 ] || selected=("${ALL_RECIPES[@]}")

HOST_ARCH="$(dpkg --print-architecture 2>/dev/null || echo amd64)"

# ----------------------------------------------------------------------------- recipes
# A recipe is scripts/images/<name>/recipe.sh, sourced with R=<its directory>. It sets:
#   IMAGE     local image name; multi-arch recipes get IMAGE-<arch> per arch plus a
#             manifest list IMAGE
#   SUITE VARIANT SLIM(0|1) INCLUDE(comma list)   mmdebstrap parameters
#   ARCHES    "host" or a list like "amd64 arm64"
#   HOOKS     extra mmdebstrap arguments (hooks), run after the .deb cache is saved
#   CHANGES   podman import --change instructions (CMD, ENV, WORKDIR, ...)
#   VERSION_OF  package whose upstream version names the image ({v}, {v2} in PUSH)
#   PUSH      repository:tag names to push to the lab registry (may be empty)
#   optional function build_rootfs ARCH OUT.tar  (instead of mmdebstrap) printing nothing
load_recipe() {
  IMAGE="" SUITE=bookworm VARIANT=minbase SLIM=1 INCLUDE="" ARCHES=host VERSION_OF=""
  HOOKS=() CHANGES=() PUSH=()
  unset -f build_rootfs 2>/dev/null || true
  R="$IMAGES_DIR/$1"
  # shellcheck disable=SC1091
  . "$R/recipe.sh"
  [ "$ARCHES" = host ] && ARCHES="$HOST_ARCH"
  return 0
}

# sha256 over the recipe directory and the shared image library
recipe_hash() {
  ( cd "$IMAGES_DIR" && find "$1" lib -type f ! -name '*.md' -print0 | LC_ALL=C sort -z |
      xargs -0 sha256sum ) | sha256sum | cut -c1-64
}

# upstream version of a Debian version string: 1:1.35.0-4+b1 -> 1.35.0, 2:1.19~1 -> 1.19
upstream_version() { local v="${1#*:}"; v="${v%%[-~+]*}"; echo "$v"; }

# What the lab knows of a built image (recipe hash, version) lives beside podman's storage, not in the image:
# labels would show in every learner's `docker image inspect` of a base image. A record counts only while the
# name still points at the image it describes.
built_record() { echo "$LAYERLAB_STATE_DIR/built/${1//[\/:]/_}"; }
built_field() { # REF FIELD(recipe|version)
  local id rec_id hash ver
  id="$(podman image inspect "$1" --format '{{.Id}}' 2>/dev/null)" || return 0
  read -r rec_id hash ver 2>/dev/null <"$(built_record "$1")" || return 0
  [ "$rec_id" = "$id" ] || return 0
  case "$2" in recipe) echo "$hash" ;; version) echo "$ver" ;; esac
}

human_size() { numfmt --to=iec --suffix=B "$1" 2>/dev/null || echo "${1}B"; }

arch_ref() { if [ "$multi" = 1 ]; then echo "$IMAGE-$1"; else echo "$IMAGE"; fi; }

# build one architecture of the loaded recipe; sets the version label
build_arch() {
  local arch="$1" ref="$2" hash="$3" t0=$SECONDS tar ver="" c
  local args=()
  mkdir -p "$LL_SCRATCH"
  tar="$LL_SCRATCH/$name-$arch.tar"
  ll_log "$name: building $arch ($SUITE ${VARIANT}${INCLUDE:+ + ${INCLUDE//,/ }})"
  if declare -F build_rootfs >/dev/null; then
    build_rootfs "$arch" "$tar" || ll_die "$name: building the $arch root filesystem failed (see above)"
  else
    ll_mkrootfs "$SUITE" "$arch" "$VARIANT" "$SLIM" "$tar" "$INCLUDE" "${HOOKS[@]}" ||
      ll_die "$name: mmdebstrap failed for $arch (see above). Is Debian's mirror reachable? Retry; cached .debs under $LL_APT_CACHE are reused."
  fi
  if [ -n "$VERSION_OF" ]; then
    ver="$(tar -xOf "$tar" ./var/lib/dpkg/status 2>/dev/null |
      awk -v p="$VERSION_OF" '/^Package: /{ok=($2==p)} ok && /^Version: /{v=$2} END{print v}' || true)"
    [ -n "$ver" ] || ver="$(cat "$tar.version" 2>/dev/null || true)"
    [ -n "$ver" ] || ll_die "$name: could not find the version of $VERSION_OF in the image"
    ver="$(upstream_version "$ver")"
  fi
  args=(--os linux --arch "$arch")
  [ "$arch" = arm64 ] && args+=(--variant v8)
  for c in "${CHANGES[@]}"; do args+=(--change "$c"); done
  # No `podman image rm -f` first: it would remove every running sandbox made from the old image. The
  # import takes the name over; the old image stays for the sandboxes that use it, and is pruned once none does.
  ll_quiet podman import -q "${args[@]}" "$tar" "$ref" || ll_die "$name: podman import of $tar failed"
  mkdir -p "$LAYERLAB_STATE_DIR/built"
  echo "$(podman image inspect "$ref" --format '{{.Id}}') $hash $ver" >"$(built_record "$ref")"
  rm -f "$tar" "$tar.version"
  ll_log "$name: $arch built in $((SECONDS - t0))s -> $ref ($(human_size "$(podman image inspect "$ref" --format '{{.Size}}')")${ver:+, version $ver})"
}

# make sure the manifest list IMAGE names exactly the current per-arch images
ensure_manifest() {
  local want have a
  want="$(for a in $ARCHES; do podman image inspect "$IMAGE-$a" --format '{{.Digest}}'; done | sort | tr '\n' ' ')"
  have="$(podman manifest inspect "$IMAGE" 2>/dev/null | jq -r '.manifests[].digest' 2>/dev/null | sort | tr '\n' ' ' || true)"
  [ "$want" = "$have" ] && return 0
  podman manifest rm "$IMAGE" >/dev/null 2>&1 || podman image rm -f "$IMAGE" >/dev/null 2>&1 || true
  ll_quiet podman manifest create "$IMAGE" || ll_die "$name: podman manifest create $IMAGE failed"
  for a in $ARCHES; do
    ll_quiet podman manifest add "$IMAGE" "containers-storage:$IMAGE-$a" ||
      ll_die "$name: podman manifest add $IMAGE $IMAGE-$a failed"
  done
  ll_log "$name: manifest list $IMAGE ($ARCHES)"
}

# ----------------------------------------------------------------------------- registry
# The lab registry container runs two registry processes on one storage volume:
#   container :5000 read-only, no auth: sandboxes use it as $LAYERLAB_REGISTRY (mirror),
#                   the host reads it at 127.0.0.1:$LAYERLAB_REGISTRY_HOST_PORT
#   container :5001 read-write, basic auth: the host pushes to
#                   127.0.0.1:$LAYERLAB_REGISTRY_PUSH_PORT with the credentials in
#                   $PUSH_AUTH_DIR/auth (user:password); sandboxes reach the port
#                   but have no password, so no learner can replace a base image.
PUSH_AUTH_DIR="$LAYERLAB_STATE_DIR/registry-push"

registry_up() { curl -fsS -o /dev/null --max-time 2 "http://$LAYERLAB_REGISTRY_LOCAL/v2/" 2>/dev/null; }
registry_push_up() {
  curl -fsS -o /dev/null --max-time 2 -u "$(cat "$PUSH_AUTH_DIR/auth")" "http://$LAYERLAB_REGISTRY_PUSH/v2/" 2>/dev/null
}

ensure_push_credentials() {
  [ -s "$PUSH_AUTH_DIR/auth" ] && [ -s "$PUSH_AUTH_DIR/htpasswd" ] && return 0
  command -v htpasswd >/dev/null || ll_die "htpasswd is missing (apache2-utils); run: bash scripts/host-setup.sh"
  install -d -m 0700 "$PUSH_AUTH_DIR"
  local pw
  pw="$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24)"
  ( umask 077
    printf 'layerlab:%s\n' "$pw" >"$PUSH_AUTH_DIR/auth"
    htpasswd -Bbn layerlab "$pw" | sed '/^$/d' >"$PUSH_AUTH_DIR/htpasswd" )
  chmod 0644 "$PUSH_AUTH_DIR/htpasswd"   # read by the registry process in the container
  ll_log "registry: generated push credentials in $PUSH_AUTH_DIR/auth"
}

ensure_lab_registry() {
  local img=localhost/layerlab/registry:latest cname="$LAYERLAB_REGISTRY_CONTAINER" want have state attempt deadline
  podman image exists "$img" || ll_die "$img is missing; run: bash scripts/images/build-all.sh registry"
  ensure_push_credentials
  want="$(printf '%s\n' "$(podman image inspect "$img" --format '{{.Id}}')" "$LAYERLAB_NETWORK" \
    "$LAYERLAB_REGISTRY_IP" "$LAYERLAB_REGISTRY_HOST_PORT" "$LAYERLAB_REGISTRY_PUSH_PORT" \
    "$LAYERLAB_REGISTRY_VOLUME" "$(sha256sum <"$PUSH_AUTH_DIR/htpasswd")" v2 | sha256sum | cut -c1-16)"
  if podman container exists "$cname"; then
    have="$(podman container inspect "$cname" --format '{{index .Config.Labels "layerlab.config"}}' 2>/dev/null || true)"
    if [ "$have" != "$want" ]; then
      ll_log "registry: recreating container $cname (image or settings changed; data stays in volume $LAYERLAB_REGISTRY_VOLUME)"
      ll_quiet podman rm -f -t 0 "$cname" || ll_die "cannot remove old container $cname"
    fi
  fi
  # A second attempt covers a container podman reports running whose processes are gone (seen after
  # the host was starved): it answers nothing and a restart hangs, so it is recreated on its volume.
  for attempt in 1 2; do
    if ! podman container exists "$cname"; then
      podman network exists "$LAYERLAB_NETWORK" ||
        ll_die "podman network '$LAYERLAB_NETWORK' is missing; run: bash scripts/host-setup.sh"
      ll_quiet podman create --name "$cname" --label "layerlab.config=$want" \
        --network "$LAYERLAB_NETWORK" --ip "$LAYERLAB_REGISTRY_IP" \
        -p "127.0.0.1:$LAYERLAB_REGISTRY_HOST_PORT:5000" \
        -p "127.0.0.1:$LAYERLAB_REGISTRY_PUSH_PORT:5001" \
        --mount "type=volume,src=$LAYERLAB_REGISTRY_VOLUME,dst=/var/lib/registry" \
        --mount "type=bind,src=$PUSH_AUTH_DIR/htpasswd,dst=/auth/htpasswd,ro" \
        --init --restart=always --memory 512m --pids-limit 512 \
        "$img" /usr/local/bin/layerlab-lab-registry ||
        ll_die "cannot create the lab registry container $cname. Are ports 127.0.0.1:$LAYERLAB_REGISTRY_HOST_PORT and :$LAYERLAB_REGISTRY_PUSH_PORT free (LAYERLAB_REGISTRY_HOST_PORT, LAYERLAB_REGISTRY_PUSH_PORT) and $LAYERLAB_REGISTRY_IP unused?"
      ll_log "registry: created $cname ($LAYERLAB_REGISTRY_IP:5000 read-only on network $LAYERLAB_NETWORK; host: $LAYERLAB_REGISTRY_LOCAL read-only, $LAYERLAB_REGISTRY_PUSH push; volume $LAYERLAB_REGISTRY_VOLUME)"
    fi
    state="$(podman container inspect "$cname" --format '{{.State.Status}}')"
    if [ "$state" != running ]; then
      # 8>&-: conmon must not inherit (and hold) this script's lock
      # A failed restart can leave it "stopping" for good (its network namespace already gone): recreate it.
      if ! ll_quiet podman start "$cname" 8>&-; then
        [ "$attempt" = 2 ] && ll_die "cannot start $cname; see: podman logs $cname"
        ll_log "registry: cannot start $cname (was $state); recreating it (data stays in volume $LAYERLAB_REGISTRY_VOLUME)"
        ll_quiet podman rm -f -t 0 "$cname" || ll_die "cannot remove $cname; try: podman rm -f $cname"
        continue
      fi
      ll_log "registry: started $cname (was $state)"
    fi
    # A deadline, not a count: a hung registry makes each probe wait for its 2 s timeout.
    deadline=$((SECONDS + 30))
    while [ "$SECONDS" -lt "$deadline" ]; do
      if registry_up && registry_push_up; then
        ll_log "registry: $cname answers (sandboxes: $LAYERLAB_REGISTRY, host: $LAYERLAB_REGISTRY_LOCAL, push: $LAYERLAB_REGISTRY_PUSH)"
        return 0
      fi
      sleep 0.5
    done
    [ "$attempt" = 2 ] && ll_die "the lab registry does not answer on http://$LAYERLAB_REGISTRY_LOCAL/v2/ and http://$LAYERLAB_REGISTRY_PUSH/v2/ after 30s, even recreated; see: podman logs $cname"
    ll_log "registry: $cname is running but does not answer after 30s; recreating it (data stays in volume $LAYERLAB_REGISTRY_VOLUME)"
    ll_quiet podman rm -f -t 0 "$cname" || ll_die "cannot remove the unresponsive $cname; try: podman rm -f $cname"
  done
}

# digest the registry holds for repo:tag (empty when absent)
registry_digest() {
  local repo="${1%:*}" tag="${1##*:}"
  curl -fsS --max-time 5 -I \
    -H 'Accept: application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' \
    "http://$LAYERLAB_REGISTRY_LOCAL/v2/$repo/manifests/$tag" 2>/dev/null |
    tr -d '\r' | awk 'tolower($1)=="docker-content-digest:" {print $2}' || true
}

push_tags() {
  local hash="$1" ver="$2" t dest marker digest want_line
  local v2; v2="$(echo "$ver" | cut -d. -f1-2)"
  mkdir -p "$LAYERLAB_STATE_DIR/pushed"
  for t in "${PUSH[@]}"; do
    case "$t" in *"{v"*) [ -n "$ver" ] || ll_die "$name: no version for tag $t" ;; esac
    t="${t//\{v2\}/$v2}"; t="${t//\{v\}/$ver}"
    marker="$LAYERLAB_STATE_DIR/pushed/${t//[\/:]/_}"
    digest="$(registry_digest "$t")"
    if [ -n "$digest" ] && [ "$(cat "$marker" 2>/dev/null)" = "$hash $digest" ]; then
      continue
    fi
    dest="docker://$LAYERLAB_REGISTRY_PUSH/$t"
    if [ "$multi" = 1 ]; then
      ll_quiet podman manifest push --all --tls-verify=false --creds "$(cat "$PUSH_AUTH_DIR/auth")" \
        --digestfile "$marker.digest" "$IMAGE" "$dest" || ll_die "$name: pushing $t failed"
    else
      ll_quiet podman push --tls-verify=false --creds "$(cat "$PUSH_AUTH_DIR/auth")" \
        --digestfile "$marker.digest" "$IMAGE" "$dest" || ll_die "$name: pushing $t failed"
    fi
    digest="$(registry_digest "$t")"
    [ -n "$digest" ] || ll_die "$name: pushed $t but the registry does not list it"
    echo "$hash $digest" >"$marker"; rm -f "$marker.digest"
    ll_log "$name: pushed $LAYERLAB_REGISTRY/$t (${digest:0:19}…)"
  done
}

# ----------------------------------------------------------------------------- main
if [ "$list" = 1 ]; then
  for name in "${ALL_RECIPES[@]}"; do
    load_recipe "$name"
    printf '%-12s %-48s %-12s %s\n' "$name" "$IMAGE" "$ARCHES" "${PUSH[*]:-}"
  done
  exit 0
fi

ll_require_root
command -v mmdebstrap >/dev/null && command -v podman >/dev/null ||
  ll_die "mmdebstrap/podman missing; run: bash scripts/host-setup.sh"
mountpoint -q /proc/sys/fs/binfmt_misc && [ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] ||
  ll_warn "qemu-aarch64 binfmt is not registered: arm64 builds will fail (run: bash scripts/host-setup.sh)"

exec 8>/run/layerlab-images.lock
flock -n 8 || { ll_log "another build-all.sh is running; waiting for it"; flock 8; }

# with pushing, the registry recipe goes first: the lab registry runs from its image
if [ "$push" = 1 ]; then
  rest=()
  for n in "${selected[@]}"; do [ "$n" = registry ] || rest+=("$n"); done
  selected=(registry "${rest[@]}")
fi

# Recipes build in parallel, JOBS at a time (default: one per core; mmdebstrap is mostly unpacking and
# qemu, one core each), the slowest first so that the last to finish is a short one (times on a 2-core machine,
# bench/results/setup.json: node-slim 131 s, debian-slim 183 s of which its arm64 half under qemu 130 s, … busybox 9 s). Pushing
# follows once all are built, the registry's first: the lab registry runs from its image.
JOBS="${LAYERLAB_IMAGE_JOBS:-$(nproc)}"
SLOWEST_FIRST=(debian-slim sandbox node-slim node golang debian registry python busybox)

# Whether any architecture of the loaded recipe is out of date (its recipe changed, or never built).
out_of_date() {
  local arch
  [ "$force" = 1 ] && return 0
  for arch in $ARCHES; do [ "$(built_field "$(arch_ref "$arch")" recipe)" = "$hash" ] || return 0; done
  return 1
}

# Builds what is out of date of recipe $1 (each architecture, then its manifest list).
build_recipe() {
  name="$1"
  load_recipe "$name"
  hash="$(recipe_hash "$name")"
  multi=0; [ "$(echo "$ARCHES" | wc -w)" -gt 1 ] && multi=1
  local arch ref
  for arch in $ARCHES; do
    ref="$(arch_ref "$arch")"
    if [ "$force" = 0 ] && [ "$(built_field "$ref" recipe)" = "$hash" ]; then
      continue
    fi
    build_arch "$arch" "$ref" "$hash"
  done
  [ "$multi" = 1 ] && ensure_manifest
  return 0
}

# Pushes recipe $1's tags (and starts the lab registry for the registry's recipe).
publish_recipe() {
  name="$1"
  load_recipe "$name"
  hash="$(recipe_hash "$name")"
  multi=0; [ "$(echo "$ARCHES" | wc -w)" -gt 1 ] && multi=1
  ver="$(built_field "$(arch_ref "${ARCHES%% *}")" version)"
  if [ "$push" = 1 ]; then
    [ "$name" = registry ] && ensure_lab_registry
    # What is pushed is named by the local images it came from, so a rebuild of the same recipe is pushed again.
    [ "${#PUSH[@]}" -gt 0 ] && push_tags "$hash:$(for a in $ARCHES; do podman image inspect "$(arch_ref "$a")" --format '{{.Id}}'; done | cut -c1-12 | tr '\n' ,)" "$ver"
  fi
  ll_log "$name: ok ($IMAGE${ver:+ $ver})"
}

built_any=0 stale=()
for name in "${selected[@]}"; do
  load_recipe "$name"
  hash="$(recipe_hash "$name")"
  multi=0; [ "$(echo "$ARCHES" | wc -w)" -gt 1 ] && multi=1
  out_of_date && stale+=("$name")
done
if [ "${#stale[@]}" -gt 0 ]; then
  ll_check_disk /var/lib/containers 5
  ll_check_disk "$LL_SCRATCH" 5
  built_any=1
  ll_log "to build: ${stale[*]} ($JOBS at a time)"
fi
is_stale() { local s; for s in "${stale[@]}"; do [ "$s" = "$1" ] && return 0; done; return 1; }

parallel=()
if [ "$JOBS" -le 1 ]; then
  for name in "${selected[@]}"; do
    is_stale "$name" && build_recipe "$name"
    publish_recipe "$name"
  done
else
  for name in "${SLOWEST_FIRST[@]}" "${selected[@]}"; do
    # Each stale recipe once, in SLOWEST_FIRST's order (a recipe it does not name comes last).
    is_stale "$name" && [[ " ${parallel[*]} " != *" $name "* ]] && parallel+=("$name")
  done
fi

# A build reads the shared .deb cache as it starts and writes what it fetched back as it ends (mmdebstrap's sync-in
# and sync-out): two builds of one suite at once raced there (seen: "special hook failed with exit code 13"). Each
# parallel build gets its own copy (hard links: tar replaces a file rather than writing into it) and adds what it
# fetched to the shared cache afterwards, one build at a time.
# Runs in the build's own subshell (ll_die exits it; what was fetched is kept all the same).
build_with_own_apt_cache() {
  shared_cache="$LL_APT_CACHE"
  mkdir -p "$shared_cache"
  own_cache="$(mktemp -d "$shared_cache.$1.XXXXXX")"
  trap 'flock "$shared_cache.lock" cp -an "$own_cache/." "$shared_cache/"; rm -rf "$own_cache"' EXIT
  flock "$shared_cache.lock" cp -al "$shared_cache/." "$own_cache/"
  LL_APT_CACHE="$own_cache" build_recipe "$1"
}

if [ "${#parallel[@]}" -gt 0 ]; then
  declare -A job_of=()
  failed=()
  for name in "${parallel[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n || true; done
    # 8>&-: the lock is this script's; a build's podman processes must not hold it.
    ( build_with_own_apt_cache "$name" ) 8>&- &
    job_of[$!]="$name"
  done
  for pid in "${!job_of[@]}"; do wait "$pid" || failed+=("${job_of[$pid]}"); done
  [ "${#failed[@]}" -eq 0 ] || ll_die "building ${failed[*]} failed (see above)"
fi
# Pushing in the recipes' order, once every build is done (recipes built earlier are checked against the registry too).
for name in "${selected[@]}"; do
  if [ "$JOBS" -gt 1 ]; then publish_recipe "$name"; fi
done
rm -rf "${LL_SCRATCH:?}"/*.tar 2>/dev/null || true
# Images a rebuild left without a name; one that a sandbox still runs from stays (prune skips images in use).
[ "$built_any" = 1 ] && { podman image prune -f >/dev/null 2>&1 || true; }
ll_log "all done in $((SECONDS - ll_t0))s"
