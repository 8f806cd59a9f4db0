import { z } from "zod";
import type { CommandOutput } from "@/lib/checks/check-result";
import { parseHistory } from "@/lib/checks/image-layers";

/**
 * An image's layers as the layer view pictures them, read from
 * `docker image history --no-trunc --human=false --format json IMAGE` in the learner's sandbox.
 * The layers route answers with a LayerStack; the page validates it with the same schema.
 */

const layerSchema = z.object({
  /** The instruction, in the Dockerfile's own words (BuildKit's bookkeeping removed). */
  createdBy: z.string(),
  sizeBytes: z.number().int().nonnegative(),
});

export type Layer = z.infer<typeof layerSchema>;

export const layerStackSchema = z.discriminatedUnion("state", [
  /** The step names no image, so there is nothing to picture. */
  z.object({ state: z.literal("none") }),
  /** Not built (or not tagged) yet. */
  z.object({ state: z.literal("missing"), image: z.string() }),
  /** The sandbox or its Docker engine did not answer; `message` says so in the learner's terms. */
  z.object({ state: z.literal("unavailable"), image: z.string(), message: z.string() }),
  /** Newest layer first, as `docker image history` lists them and as a stack is drawn: the base at the bottom. */
  z.object({ state: z.literal("built"), image: z.string(), layers: z.array(layerSchema), totalBytes: z.number().nonnegative() }),
]);

export type LayerStack = z.infer<typeof layerStackSchema>;

/** The history command, as the learner could type it; bytes rather than docker's rounded "20.5kB". */
export function historyCommand(image: string): string[] {
  return ["docker", "image", "history", "--no-trunc", "--human=false", "--format", "json", image];
}

const NO_SUCH_IMAGE = /No such image/i;
const DOCKER_DOWN = /Cannot connect to the Docker daemon|Is the docker daemon running/i;

/** What the history command's output says about the image. */
export function readLayerStack(image: string, history: CommandOutput): LayerStack {
  if (history.timedOut) {
    return { state: "unavailable", image, message: "Docker in your sandbox took too long to list the layers. They will show after your next command." };
  }
  if (history.exitCode !== 0) {
    if (NO_SUCH_IMAGE.test(history.stderr)) return { state: "missing", image };
    if (DOCKER_DOWN.test(history.stderr)) {
      return { state: "unavailable", image, message: "Docker in your sandbox is not answering (it may still be starting)." };
    }
    const reason = history.stderr.trim().split("\n")[0] || `docker exited with ${history.exitCode}`;
    return { state: "unavailable", image, message: `The layers could not be read: ${reason}` };
  }
  const layers = parseHistory(history.stdout).reverse();
  return { state: "built", image, layers, totalBytes: layers.reduce((sum, layer) => sum + layer.sizeBytes, 0) };
}

/** Narrowest bar a layer with files gets, in percent: a 20 kB layer beside an 84 MB one must still be seen. */
export const MIN_BAR_PERCENT = 1.5;

export interface LayerBar extends Layer {
  /** Width relative to the largest layer (100), never under MIN_BAR_PERCENT; 0 for an empty layer. */
  widthPercent: number;
  /** 0 B: the instruction only changed the image's metadata (CMD, ENV, LABEL…), no files. */
  empty: boolean;
}

/**
 * One bar per layer, width by size. Linear, so a 63 MB layer of leftovers looks as heavy as it is; the
 * largest layer spans the whole width.
 */
export function layerBars(layers: readonly Layer[]): LayerBar[] {
  const largest = Math.max(0, ...layers.map((l) => l.sizeBytes));
  return layers.map((layer) => ({
    ...layer,
    empty: layer.sizeBytes === 0,
    widthPercent: layer.sizeBytes === 0 ? 0 : Math.max(MIN_BAR_PERCENT, Math.round((1000 * layer.sizeBytes) / largest) / 10),
  }));
}

/** How many entries of the history hold files, and how many only changed the image's metadata. */
export function countLayers(layers: readonly Layer[]): { withFiles: number; metadataOnly: number } {
  const withFiles = layers.filter((l) => l.sizeBytes > 0).length;
  return { withFiles, metadataOnly: layers.length - withFiles };
}

/** An instruction short enough for one line: digests (`ADD file:4a8aad46…`) shortened, whitespace flattened. */
export function shortInstruction(createdBy: string): string {
  return createdBy.replace(/\s+/g, " ").replace(/\b([0-9a-f]{12})[0-9a-f]{20,}\b/g, "$1…");
}
