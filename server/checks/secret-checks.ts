import "server-only";
import { readInspectedImage } from "@/lib/checks/image-config";
import { judgeImageSecret, SECRET_MARK } from "@/lib/checks/image-secret";
import type { Check, SpecOf } from "./check";
import { CONTENT_STORE } from "./image-checks";

// Args: the image's id (an index or a manifest), its architecture, the secret. Prints the manifest and
// the config (one JSON document a line, as layer-files reads them), then the strings of the config
// holding the secret, then each layer's verdict and the files holding it. A layer is first searched
// as one stream (fast, even for a base image's thousands of files); only a layer that holds the text
// is read file by file (GNU tar hands each file's content to the command, naming it in TAR_FILENAME).
const SCAN = `
set -eu
blob() { cat "${CONTENT_STORE}/\${1#sha256:}"; }
top=$(blob "$1")
attestations=""
if jq -e 'has("manifests")' >/dev/null <<<"$top"; then
  index=$top
  manifest=$(jq -r --arg a "$2" '[.manifests[] | select(.platform.architecture == $a)][0].digest' <<<"$index")
  top=$(blob "$manifest")
  # The build's attestations (provenance) travel with the image in its index, and can record build arguments.
  attestations=$(jq -r --arg m "$manifest" '.manifests[] | select(.annotations["vnd.docker.reference.digest"] == $m) | .digest' <<<"$index")
fi
config=$(blob "$(jq -r .config.digest <<<"$top")")
jq -c . <<<"$top"
jq -c . <<<"$config"
echo "${SECRET_MARK}config"
jq -c --arg v "$3" 'paths(type == "string") as $p | getpath($p) as $t | select($t | contains($v)) | {path: $p, text: $t}' <<<"$config"
export SECRET="$3"
scan() {
  f="${CONTENT_STORE}/\${2#sha256:}"
  if [ ! -r "$f" ]; then echo "${SECRET_MARK}$1 $2 missing"; return; fi
  # gzip -f passes an uncompressed layer through; a zstd one it cannot read, so it is named, not called clean.
  if [ "$(head -c 4 "$f" | od -An -tx1 | tr -d ' \n')" = 28b52ffd ]; then echo "${SECRET_MARK}$1 $2 zstd"; return; fi
  if gzip -dcf <"$f" | grep -aqF -- "$SECRET"; then
    echo "${SECRET_MARK}$1 $2 found"
    tar -xf "$f" --to-command='[ "$(grep -acF -- "$SECRET")" -gt 0 ] && echo "$TAR_FILENAME"; true' 2>/dev/null || true
  else
    echo "${SECRET_MARK}$1 $2 clean"
  fi
}
for d in $(jq -r '.layers[].digest' <<<"$top"); do scan layer "$d"; done
for a in $attestations; do
  [ -r "${CONTENT_STORE}/\${a#sha256:}" ] || continue
  for d in $(blob "$a" | jq -r '.layers[].digest'); do scan attestation "$d"; done
done
`;

const secretAbsent: Check<SpecOf<"secret-absent">> = {
  run: async (spec, sandbox) => {
    const inspect = await sandbox.docker(["image", "inspect", spec.image]);
    const image = inspect.exitCode === 0 ? readInspectedImage(spec.image, { inspect }) : null;
    if (!image || "passed" in image) {
      const tags = inspect.exitCode === 0 ? [] : (await sandbox.docker(["image", "ls", "--format", "{{.Repository}}:{{.Tag}}"])).stdout.split("\n").filter(Boolean);
      return judgeImageSecret(spec, { inspect, tags });
    }
    const scan = await sandbox.bash(SCAN, [image.Id, image.Architecture ?? "amd64", spec.value], 120_000);
    return judgeImageSecret(spec, { inspect, scan });
  },
};

export const secretChecks = { "secret-absent": secretAbsent };
