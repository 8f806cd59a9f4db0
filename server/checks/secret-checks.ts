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
if jq -e 'has("manifests")' >/dev/null <<<"$top"; then
  top=$(blob "$(jq -r --arg a "$2" '[.manifests[] | select(.platform.architecture == $a)][0].digest' <<<"$top")")
fi
config=$(blob "$(jq -r .config.digest <<<"$top")")
jq -c . <<<"$top"
jq -c . <<<"$config"
echo "${SECRET_MARK}config"
jq -c --arg v "$3" 'paths(type == "string") as $p | getpath($p) as $t | select($t | contains($v)) | {path: $p, text: $t}' <<<"$config"
export SECRET="$3"
for d in $(jq -r '.layers[].digest' <<<"$top"); do
  f="${CONTENT_STORE}/\${d#sha256:}"
  if [ ! -r "$f" ]; then echo "${SECRET_MARK}layer $d missing"; continue; fi
  if gzip -dcf <"$f" | grep -aqF -- "$SECRET"; then
    echo "${SECRET_MARK}layer $d found"
    tar -xf "$f" --to-command='[ "$(grep -acF -- "$SECRET")" -gt 0 ] && echo "$TAR_FILENAME"; true'
  else
    echo "${SECRET_MARK}layer $d clean"
  fi
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
