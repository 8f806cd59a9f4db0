import "server-only";
import { judgeImageConfig, type ImageEvidence } from "@/lib/checks/image-config";
import { judgeImageLayers } from "@/lib/checks/image-layers";
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
};
