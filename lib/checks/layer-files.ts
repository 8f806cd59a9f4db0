import { z } from "zod";
import { fail, pass, quote, type CheckResult, type CommandOutput } from "./check-result";
import { capitalized, displayName, readInspectedImage, type ImageEvidence } from "./image-config";
import { cleanCreatedBy } from "./image-layers";
import { checkBase, imageRef, pattern } from "./spec-fields";

/**
 * What the layers of an image hold, file by file, read from the layer tars themselves: a file a later
 * step deleted is still in the tar of the step that made it, and the deleting step's tar holds only a
 * whiteout (`.wh.<name>`), the marker that hides it from the layers below.
 */

export const layerFileSpecs = [
  z
    .object({
      ...checkBase,
      kind: z.literal("layer-files"),
      image: imageRef,
      /** The step whose layer to read, matched as `docker image history` names it (`^RUN rm`); without it, every layer. */
      step: pattern.optional(),
      /** A path in the layer tar (`app/secret.txt`, no leading slash) that must be there. */
      holds: pattern.optional(),
      /** A path that no layer read may hold. */
      lacks: pattern.optional(),
    })
    .strict()
    .refine((s) => s.holds !== undefined || s.lacks !== undefined, { message: "give holds or lacks" }),
] as const;

export type LayerFileSpec = z.infer<(typeof layerFileSpecs)[number]>;

/** A filesystem layer of an image, with the step that made it. */
export interface ImageLayer {
  /** 1 for the bottom layer, as a learner counts them. */
  number: number;
  /** The blob's digest in the manifest, which is also its file name in the content store. */
  digest: string;
  /** The step, cleaned as in docker image history; `layer N` when the history does not say. */
  createdBy: string;
}

const manifestSchema = z.object({ layers: z.array(z.object({ digest: z.string() })) });
const configSchema = z.object({
  history: z.array(z.object({ created_by: z.string().default(""), empty_layer: z.boolean().optional() })).default([]),
});

/**
 * The image's manifest and config as the sandbox read them (one JSON document a line, manifest
 * first), to its layers. The config's history has one entry per instruction; only those without
 * `empty_layer` made a layer, in the same order as the manifest lists the layers.
 */
export function parseImageLayers(stdout: string): ImageLayer[] | null {
  const [manifestLine, configLine] = stdout.trim().split("\n");
  const manifest = safeJson(manifestSchema, manifestLine);
  const config = safeJson(configSchema, configLine);
  if (!manifest || !config) return null;
  const steps = config.history.filter((h) => !h.empty_layer).map((h) => cleanCreatedBy(h.created_by));
  const named = steps.length === manifest.layers.length;
  return manifest.layers.map((l, i) => ({ number: i + 1, digest: l.digest, createdBy: named ? steps[i] : `layer ${i + 1}` }));
}

function safeJson<T>(schema: z.ZodType<T>, line: string | undefined): T | null {
  if (!line) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The layers a spec asks about: those made by its step, or all. */
export function selectLayers(spec: LayerFileSpec, layers: ImageLayer[]): ImageLayer[] {
  if (spec.step === undefined) return layers;
  const step = new RegExp(spec.step);
  return layers.filter((l) => step.test(l.createdBy));
}

/** Marks each layer's listing in the output of the listing command: `### sha256:… ` then one path a line. */
export const LISTING_MARK = "### ";
/** Written after the mark and digest when the store no longer holds that blob. */
export const LISTING_MISSING = "missing";

/** `tar -tf` of each layer, by digest; null for a layer the store did not hold. */
export function parseListings(stdout: string): Map<string, string[] | null> {
  const listings = new Map<string, string[] | null>();
  let current: string[] | null = null;
  for (const line of stdout.split("\n")) {
    if (line.startsWith(LISTING_MARK)) {
      const [digest, state] = line.slice(LISTING_MARK.length).trim().split(/\s+/);
      current = state === LISTING_MISSING ? null : [];
      listings.set(digest, current);
    } else if (current && line.trim() !== "") {
      current.push(line.replace(/^\.\//, ""));
    }
  }
  return listings;
}

export interface LayerFileEvidence extends ImageEvidence {
  /** The manifest and config, one a line (absent when the image is missing). */
  blobs?: CommandOutput;
  /** The listings of the selected layers. */
  listings?: CommandOutput;
}

export function judgeLayerFiles(spec: LayerFileSpec, evidence: LayerFileEvidence): CheckResult {
  const image = readInspectedImage(spec.image, evidence);
  if ("passed" in image) return image;
  const name = displayName(spec.image);
  const layers = evidence.blobs?.exitCode === 0 ? parseImageLayers(evidence.blobs.stdout) : null;
  if (!layers) return fail(`The lab could not read the manifest of ${name}.`, evidence.blobs?.stderr.trim() || undefined);
  const selected = selectLayers(spec, layers);
  if (selected.length === 0) {
    return fail(`No layer of ${name} was made by a step matching /${spec.step}/. Was it built from your current Dockerfile?`, layerTable(layers));
  }
  const listings = parseListings(evidence.listings?.stdout ?? "");
  const read = selected.map((layer) => ({ layer, files: listings.get(layer.digest) ?? null }));
  const unread = read.find((r) => r.files === null);
  if (unread) return fail(`The lab could not read ${describe(unread.layer)} of ${name}: its blob is not in your image store.`, layerTable(layers));
  const details = read.map((r) => `${describe(r.layer)}:\n${shortList(r.files!)}`).join("\n\n");
  const where = spec.step === undefined ? `the layers of ${name}` : selected.length === 1 ? describe(selected[0]) : `the layers made by steps matching /${spec.step}/`;

  if (spec.lacks !== undefined) {
    const lacks = new RegExp(spec.lacks);
    for (const { layer, files } of read) {
      const found = files!.find((f) => lacks.test(f));
      if (found) return fail(`In ${name}, ${describe(layer)} still holds ${found}${whiteoutNote(found)}: anyone who pulls the image can read it.`, details);
    }
  }
  if (spec.holds !== undefined) {
    const holds = new RegExp(spec.holds);
    const found = read.flatMap((r) => r.files!.filter((f) => holds.test(f)).map((f) => ({ layer: r.layer, file: f })))[0];
    if (!found) {
      if (spec.step === undefined) return fail(`No layer of ${name} holds a file matching /${spec.holds}/.`, details);
      return fail(`${capitalized(where)} holds no file matching /${spec.holds}/.`, details);
    }
    return pass(`${capitalized(describe(found.layer))} holds ${found.file}${whiteoutNote(found.file)}.`, details);
  }
  if (spec.step === undefined) return pass(`No layer of ${name} holds a file matching /${spec.lacks}/.`, details);
  if (selected.length === 1) return pass(`${capitalized(describe(selected[0]))} holds no file matching /${spec.lacks}/.`, details);
  return pass(`None of layers ${selected.map((l) => l.number).join(", ")} (made by steps matching /${spec.step}/) holds a file matching /${spec.lacks}/.`, details);
}

function describe(layer: ImageLayer): string {
  return layer.createdBy === `layer ${layer.number}` ? `layer ${layer.number}` : `layer ${layer.number} (made by ${quote(layer.createdBy, 60)})`;
}

/** `app/.wh.secret.txt` is not a file a container sees: say what it means. */
function whiteoutNote(path: string): string {
  const base = path.split("/").at(-1) ?? "";
  if (base === ".wh..wh..opq") return " (an opaque whiteout: it hides everything below it in that folder)";
  if (!base.startsWith(".wh.")) return "";
  const hidden = path.slice(0, path.length - base.length) + base.slice(".wh.".length);
  return ` (a whiteout: it hides ${hidden} of the layers below)`;
}

function layerTable(layers: ImageLayer[]): string {
  return layers.map((l) => `${String(l.number).padStart(2)}  ${l.createdBy.replace(/\s+/g, " ").slice(0, 100)}`).join("\n");
}

/** A base image's layer lists thousands of files; the evidence shows the start and says how many. */
function shortList(files: string[], max = 40): string {
  const shown = files.slice(0, max).map((f) => `  ${f}`).join("\n");
  return files.length > max ? `${shown}\n  … and ${files.length - max} more` : shown || "  (empty)";
}
