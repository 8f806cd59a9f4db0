/** Listings beyond this are cut: a Debian base layer lists in 350 kB, so this is room for dozens of bases. */
export const LISTING_BYTES = 16 * 1024 * 1024;

/**
 * What the layer view reads from the learner's sandbox, in one exec as the learner (one podman exec costs
 * about half a second; five would lag the verdict). Prints sections, each after a `### ` mark line:
 *
 *   ### image ID ARCH CONTENT_BYTES     docker image inspect: id, architecture, Size (the content store's bytes)
 *   ### unchanged                       the id is KNOWN (the caller's picture is current): nothing more follows
 *   ### ls                              SIZE as `docker image ls` prints it
 *   ### history                         docker image history --no-trunc --human=false --format json
 *   ### manifest / ### config           the image's manifest and config (for this architecture), one line each
 *   ### base NAME                       a candidate base image's config (history, diff_ids), one line:
 *                                       each image its provenance names (BuildKit's FROM), then local images
 *                                       whose bottom layer is ours
 *   ### listing DIGEST [missing]        `tar -tv` of each layer blob, bottom first, LISTING_BYTES at most in all
 *   ### end                             after the listings (a listing cut short is the last one before it)
 *
 * The blobs are read from the engine's content store (the learner's own files, as in the layer-files check):
 * `docker image save` would copy the whole image to read its listings. Listings are kept in /tmp by digest
 * (a digest's tar never changes), so a rebuild on the same base lists only its new layers.
 * Args: IMAGE [KNOWN_ID]. When docker cannot inspect the image, its own stderr and exit code come back.
 */
export const READ_LAYERS_SCRIPT = `
set -u -o pipefail
image=$1 known=\${2:-}
store="$HOME/.local/share/docker/containerd/daemon/io.containerd.content.v1.content/blobs/sha256"
cache=/tmp/layerlab-layer-lists
blob() { cat "$store/\${1#sha256:}" 2>/dev/null; }
mark() { printf '### %s\\n' "$*"; }
# An index (multi-platform, or with BuildKit's attestation beside the image) names one manifest per platform.
platform_manifest() {
  local top
  top=$(blob "$1") || return 1
  if jq -e 'has("manifests")' >/dev/null <<<"$top"; then
    blob "$(jq -r --arg a "$arch" '[.manifests[] | select(.platform.architecture == $a)][0].digest' <<<"$top")"
  else
    printf '%s\\n' "$top"
  fi
}

meta=$(docker image inspect --format '{{.Id}} {{.Architecture}} {{.Size}}' "$image") || exit $?
read -r id arch size <<<"$meta"
mark image "$id" "$arch" "$size"
if [ "$id" = "$known" ]; then mark unchanged; exit 0; fi

mark ls
docker image ls --format '{{.ID}} {{.Size}}' --no-trunc | awk -v id="$id" '$1 == id { print $2; exit }'
mark history
docker image history --no-trunc --human=false --format json "$image"

manifest=$(platform_manifest "$id") || manifest=""
config=""
[ -n "$manifest" ] && config=$(blob "$(jq -r .config.digest <<<"$manifest")" | jq -c .)
mark manifest
[ -n "$manifest" ] && jq -c . <<<"$manifest"
mark config
[ -n "$config" ] && printf '%s\\n' "$config"
[ -n "$config" ] || exit 0
bottom=$(jq -r '.rootfs.diff_ids[0] // ""' <<<"$config")

# The base as the build named it: BuildKit's provenance (in the index beside the image) lists its FROM images.
candidate() {
  local name=$1 ref=$2 m c
  m=$(platform_manifest "$ref") || return 0
  c=$(blob "$(jq -r .config.digest <<<"$m")") || return 0
  c=$(jq -c --arg b "$bottom" 'select(.rootfs.diff_ids[0] == $b) | {history: [(.history // [])[] | {empty_layer: (.empty_layer // false)}], diff_ids: .rootfs.diff_ids}' <<<"$c") || return 0
  [ -n "$c" ] && { mark base "$name"; printf '%s\\n' "$c"; }
}
top=$(blob "$id")
if jq -e 'has("manifests")' >/dev/null <<<"$top"; then
  for att in $(jq -r '.manifests[] | select(.annotations["vnd.docker.reference.type"] == "attestation-manifest") | .digest' <<<"$top"); do
    for layer in $(blob "$att" | jq -r '.layers[].digest'); do
      blob "$layer" | jq -r '.predicate.materials[]? | select(.uri | startswith("pkg:docker/")) | "\\(.uri) sha256:\\(.digest.sha256)"'
    done
  done | while read -r uri ref; do candidate "$uri" "$ref"; done
fi
docker image ls --no-trunc --format '{{.ID}} {{.Repository}}:{{.Tag}}' | awk -v id="$id" '$1 != id && $2 !~ /<none>/' | head -n 50 |
  while read -r other name; do candidate "$name" "$other"; done

mkdir -p "$cache"
# At most LISTING_BYTES of listings reach the lab (an image of a million files must not fill its memory); the
# end mark, cut off with them, says the last one is whole.
{
  for d in $(jq -r '.layers[].digest' <<<"$manifest"); do
    f="$store/\${d#sha256:}" listed="$cache/\${d#sha256:}"
    if [ -s "$listed" ]; then mark listing "$d"; cat "$listed"
    elif [ -r "$f" ] && tar --numeric-owner -tvf "$f" >"$listed.tmp" 2>/dev/null; then mv "$listed.tmp" "$listed"; mark listing "$d"; cat "$listed"
    else rm -f "$listed.tmp"; mark listing "$d" missing
    fi
  done
  mark end
} | head -c ${LISTING_BYTES}
# A cut pipe is the cap at work, not a failure.
exit 0
`;

/** The command the layers route runs as the learner: bash reads the script, then IMAGE and KNOWN as $1 and $2. */
export function readLayersCommand(image: string, knownId?: string): string[] {
  return ["bash", "-c", READ_LAYERS_SCRIPT, "read-layers", image, knownId ?? ""];
}
