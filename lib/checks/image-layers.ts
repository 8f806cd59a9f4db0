import { z } from "zod";
import { fail, formatSize, MB, parseJsonStream, pass, quote, type CheckResult, type CommandOutput } from "./check-result";
import { capitalized, displayName, readInspectedImage, type ImageEvidence } from "./image-config";
import { checkBase, imageRef, megabytes, pattern } from "./spec-fields";

/** Checks about an image's layers: how many, and what each step of the build added. */

export const imageLayerSpecs = [
  z
    .object({ ...checkBase, kind: z.literal("layer-count"), image: imageRef, max: z.number().int().positive().optional(), min: z.number().int().positive().optional() })
    .strict()
    .refine((s) => s.max !== undefined || s.min !== undefined, { message: "give max or min" }),
  z
    .object({
      ...checkBase,
      kind: z.literal("layer-size"),
      image: imageRef,
      /** Matched against the instruction that made the layer, as `docker image history --no-trunc` shows it. */
      step: pattern,
      maxMb: megabytes.optional(),
      minMb: megabytes.optional(),
    })
    .strict()
    .refine((s) => s.maxMb !== undefined || s.minMb !== undefined, { message: "give maxMb or minMb" }),
] as const;

export type ImageLayerSpec = z.infer<(typeof imageLayerSpecs)[number]>;

export interface HistoryEntry {
  /** The instruction, cleaned of BuildKit's bookkeeping: `RUN head -c 60M /dev/urandom > /big`. */
  createdBy: string;
  sizeBytes: number;
}

const historyLine = z.object({
  CreatedBy: z.string(),
  // --human=false prints bytes; the string form is what docker 26 writes.
  Size: z.union([z.string(), z.number()]).transform((s) => Number(s)),
});

/** `docker image history --no-trunc --human=false --format json IMAGE`, oldest step first. */
export function parseHistory(stdout: string): HistoryEntry[] {
  return parseJsonStream(stdout)
    .map((line) => historyLine.safeParse(line))
    .filter((r) => r.success)
    .map((r) => ({ createdBy: cleanCreatedBy(r.data.CreatedBy), sizeBytes: Number.isFinite(r.data.Size) ? r.data.Size : 0 }))
    .reverse();
}

/**
 * BuildKit records `RUN |1 email=a@b /bin/sh -c cmd # buildkit`; the learner wrote `RUN cmd`.
 * Patterns in content match the cleaned text, so they read like the Dockerfile.
 */
export function cleanCreatedBy(createdBy: string): string {
  return createdBy
    .replace(/\s*# buildkit$/, "")
    .replace(/^RUN \|\d+(?: \S+=\S*)* /, "RUN ")
    .replace(/^(RUN )?\/bin\/sh -c #\(nop\)\s*/, "")
    .replace(/^RUN \/bin\/sh -c /, "RUN ")
    .replace(/^\/bin\/sh -c /, "RUN ")
    .trim();
}

export interface LayerEvidence extends ImageEvidence {
  /** `docker image history --no-trunc --human=false --format json IMAGE`; absent for layer-count. */
  history?: CommandOutput;
}

export function judgeImageLayers(spec: ImageLayerSpec, evidence: LayerEvidence): CheckResult {
  const image = readInspectedImage(spec.image, evidence);
  if ("passed" in image) return image;
  const name = displayName(spec.image);
  if (spec.kind === "layer-count") {
    const Name = capitalized(name);
    const count = image.RootFS?.Layers?.length ?? 0;
    const layers = `${count} layer${count === 1 ? "" : "s"}`;
    if (spec.max !== undefined && count > spec.max) return fail(`${Name} has ${layers}; at most ${spec.max} expected.`);
    if (spec.min !== undefined && count < spec.min) return fail(`${Name} has ${layers}; at least ${spec.min} expected.`);
    return pass(`${Name} has ${layers}.`);
  }

  const history = parseHistory(evidence.history?.stdout ?? "");
  const table = historyTable(history);
  const step = new RegExp(spec.step);
  const matching = history.filter((h) => step.test(h.createdBy));
  if (matching.length === 0) {
    return fail(`No layer of ${name} was made by a step matching /${spec.step}/. Was it built from your current Dockerfile?`, table);
  }
  const largest = matching.reduce((a, b) => (b.sizeBytes > a.sizeBytes ? b : a));
  const smallest = matching.reduce((a, b) => (b.sizeBytes < a.sizeBytes ? b : a));
  if (spec.maxMb !== undefined && largest.sizeBytes > spec.maxMb * MB) {
    return fail(`The layer made by ${quote(largest.createdBy)} holds ${formatSize(largest.sizeBytes)}; it should be under ${formatSize(spec.maxMb * MB)}.`, table);
  }
  if (spec.minMb !== undefined && smallest.sizeBytes < spec.minMb * MB) {
    return fail(`The layer made by ${quote(smallest.createdBy)} holds only ${formatSize(smallest.sizeBytes)}; expected at least ${formatSize(spec.minMb * MB)}.`, table);
  }
  return pass(`The layer made by ${quote(largest.createdBy)} holds ${formatSize(largest.sizeBytes)}.`, table);
}

/** The history as the learner would read it: size, then the step. */
export function historyTable(history: HistoryEntry[]): string {
  return history.map((h) => `${formatSize(h.sizeBytes).padStart(9)}  ${h.createdBy.replace(/\s+/g, " ").slice(0, 100)}`).join("\n");
}
