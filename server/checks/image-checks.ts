import "server-only";
import { judgeImageConfig, readInspectedImage, type ImageEvidence } from "@/lib/checks/image-config";
import { judgeImageLayers } from "@/lib/checks/image-layers";
import { judgeLayerFiles, LISTING_MARK, LISTING_MISSING, parseImageLayers, selectLayers } from "@/lib/checks/layer-files";
import type { Check, CheckSandbox, SpecOf } from "./check";

/** Evidence about one image; the tag list only when the image is missing, to name near misses. */
async function inspectImage(sandbox: CheckSandbox, image: string): Promise<ImageEvidence> {
  const inspect = await sandbox.docker(["image", "inspect", image]);
  if (inspect.exitCode === 0) return { inspect };
  const tags = await sandbox.docker(["image", "ls", "--format", "{{.Repository}}:{{.Tag}}"]);
  return { inspect, tags: tags.stdout.split("\n").filter(Boolean) };
}

const imageConfig: Check<SpecOf<"image-exists" | "image-label" | "image-env" | "image-user" | "image-exposes" | "image-cmd">> = {
  run: async (spec, sandbox) => judgeImageConfig(spec, await inspectImage(sandbox, spec.image)),
};

const imageSize: Check<SpecOf<"image-size">> = {
  run: async (spec, sandbox) => {
    const evidence = await inspectImage(sandbox, spec.image);
    if (evidence.inspect.exitCode !== 0) return judgeImageConfig(spec, evidence);
    return judgeImageConfig(spec, { ...evidence, listed: await sandbox.docker(["image", "ls", "--format", "json", spec.image]) });
  },
};

// Layers are read from the engine's content store, where the rootless engine keeps every blob of
// an image as a file named by its digest: `docker image save` would copy the whole image (three
// seconds for a Node base) to read one small layer. The store is the learner's own files.
export const CONTENT_STORE = "$HOME/.local/share/docker/containerd/daemon/io.containerd.content.v1.content/blobs/sha256";

// Args: the image's id (an index or a manifest) and its architecture. Prints the manifest and the
// config, one JSON document a line.
const READ_MANIFEST = `
set -eu
blob() { cat "${CONTENT_STORE}/\${1#sha256:}"; }
top=$(blob "$1")
if jq -e 'has("manifests")' >/dev/null <<<"$top"; then
  top=$(blob "$(jq -r --arg a "$2" '[.manifests[] | select(.platform.architecture == $a)][0].digest' <<<"$top")")
fi
jq -c . <<<"$top"
blob "$(jq -r .config.digest <<<"$top")" | jq -c .
`;

// Args: layer digests. Prints each layer's paths after a mark line (tar reads gzip or plain alike).
const LIST_LAYERS = `
for d in "$@"; do
  f="${CONTENT_STORE}/\${d#sha256:}"
  if [ -r "$f" ]; then echo "${LISTING_MARK}$d"; tar -tf "$f"; else echo "${LISTING_MARK}$d ${LISTING_MISSING}"; fi
done
`;

const layerFiles: Check<SpecOf<"layer-files">> = {
  run: async (spec, sandbox) => {
    const evidence = await inspectImage(sandbox, spec.image);
    const image = evidence.inspect.exitCode === 0 ? readInspectedImage(spec.image, evidence) : null;
    if (!image || "passed" in image) return judgeLayerFiles(spec, evidence);
    const blobs = await sandbox.bash(READ_MANIFEST, [image.Id, image.Architecture ?? "amd64"]);
    const layers = blobs.exitCode === 0 ? parseImageLayers(blobs.stdout) : null;
    if (!layers) return judgeLayerFiles(spec, { ...evidence, blobs });
    const listings = await sandbox.bash(LIST_LAYERS, selectLayers(spec, layers).map((l) => l.digest));
    return judgeLayerFiles(spec, { ...evidence, blobs, listings });
  },
};

export const imageChecks = {
  "image-exists": imageConfig,
  "image-label": imageConfig,
  "image-env": imageConfig,
  "image-user": imageConfig,
  "image-exposes": imageConfig,
  "image-cmd": imageConfig,
  "image-size": imageSize,
  "layer-count": { run: async (spec, sandbox) => judgeImageLayers(spec, await inspectImage(sandbox, spec.image)) } satisfies Check<SpecOf<"layer-count">>,
  "layer-size": {
    run: async (spec, sandbox) => {
      const evidence = await inspectImage(sandbox, spec.image);
      if (evidence.inspect.exitCode !== 0) return judgeImageLayers(spec, evidence);
      const history = await sandbox.docker(["image", "history", "--no-trunc", "--human=false", "--format", "json", spec.image]);
      return judgeImageLayers(spec, { ...evidence, history });
    },
  } satisfies Check<SpecOf<"layer-size">>,
  "layer-files": layerFiles,
};
