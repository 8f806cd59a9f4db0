import { z } from "zod";
import type { CommandOutput } from "@/lib/checks/check-result";
import { parseHistory } from "@/lib/checks/image-layers";
import { hiddenBytes, parseListing, type HiddenBytes, type ListedEntry } from "./hidden-bytes";

/**
 * An image's layers as the layer view pictures them, read in the learner's sandbox by READ_LAYERS_SCRIPT
 * (lib/layers/read-layers.ts). The layers route answers with a LayerStack; the page validates it with the
 * same schema.
 */

const hiddenSchema = z.object({
  by: z.number().int(),
  layer: z.number().int(),
  how: z.enum(["deleted", "replaced"]),
  bytes: z.number().nonnegative(),
  files: z.number().int(),
  largest: z.string(),
});

const entrySchema = z.object({
  /** The instruction, in the Dockerfile's own words (BuildKit's bookkeeping removed). */
  createdBy: z.string(),
  /** What the step added, unpacked, as `docker image history` counts it. */
  sizeBytes: z.number().int().nonnegative(),
  /** The filesystem layer this step made, counted from 1 at the bottom; null for a metadata-only step. */
  layer: z.number().int().positive().nullable(),
  /** Part of the base image (the FROM), not of the learner's Dockerfile. */
  base: z.boolean(),
});

export type StackEntry = z.infer<typeof entrySchema>;

const builtSchema = z.object({
  state: z.literal("built"),
  image: z.string(),
  imageId: z.string(),
  /** Newest first, as `docker image history` lists them and as a stack is drawn: the base at the bottom. */
  entries: z.array(entrySchema),
  /** The base image by its name (`debian:bookworm-slim`), when the sandbox could tell which layers are its own. */
  baseName: z.string().nullable(),
  /** Bytes a later layer hides and the image still ships. */
  hidden: z.array(hiddenSchema),
  /** The image's SIZE exactly as `docker image ls` prints it (`240MB`); null if it did not list it. */
  listedSize: z.string().nullable(),
  /** The layers unpacked: the sum of docker image history's sizes. */
  unpackedBytes: z.number().nonnegative(),
  /** The image's blobs in the engine's content store (compressed layers, config, manifest): docker image inspect's Size. */
  contentBytes: z.number().nonnegative(),
});

export const layerStackSchema = z.discriminatedUnion("state", [
  /** The step names no image, so there is nothing to picture. */
  z.object({ state: z.literal("none") }),
  /** Not built (or not tagged) yet. */
  z.object({ state: z.literal("missing"), image: z.string() }),
  /** The sandbox or its Docker engine did not answer; `message` says so in the learner's terms. */
  z.object({ state: z.literal("unavailable"), image: z.string(), message: z.string() }),
  /** Still the image the caller pictures (its id was given as known): nothing new to draw. */
  z.object({ state: z.literal("unchanged"), image: z.string(), imageId: z.string() }),
  builtSchema,
]);

export type LayerStack = z.infer<typeof layerStackSchema>;
export type BuiltStack = z.infer<typeof builtSchema>;

const NO_SUCH_IMAGE = /No such image/i;
const DOCKER_DOWN = /Cannot connect to the Docker daemon|Is the docker daemon running/i;
const MARK = "### ";

/** The script's output, split at its `### NAME ARGS` marks: one section per mark, in order. */
export function splitSections(stdout: string): { name: string; args: string[]; body: string }[] {
  const sections: { name: string; args: string[]; body: string[] }[] = [];
  for (const line of stdout.split("\n")) {
    if (line.startsWith(MARK)) {
      const [name, ...args] = line.slice(MARK.length).trim().split(/\s+/);
      sections.push({ name, args, body: [] });
    } else if (sections.length > 0) {
      sections.at(-1)!.body.push(line);
    }
  }
  return sections.map((s) => ({ ...s, body: s.body.join("\n").trim() }));
}

const configSchema = z.object({
  history: z.array(z.object({ empty_layer: z.boolean().optional() })).default([]),
  rootfs: z.object({ diff_ids: z.array(z.string()).default([]) }).default({ diff_ids: [] }),
});
const baseSchema = z.object({ history: z.array(z.object({ empty_layer: z.boolean().optional() })), diff_ids: z.array(z.string()) });
const manifestSchema = z.object({ layers: z.array(z.object({ digest: z.string() })) });

function parseJson<T>(schema: z.ZodType<T>, text: string | undefined): T | null {
  if (!text) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * BuildKit's provenance names a FROM image as a package URL: `pkg:docker/debian@bookworm-slim?platform=…`,
 * `pkg:docker/example/app@1`, `pkg:docker/node?digest=sha256:…`. Back to the name the Dockerfile used.
 */
export function imageNameOfPurl(uri: string): string {
  if (!uri.startsWith("pkg:docker/")) return uri;
  const [path, query = ""] = uri.slice("pkg:docker/".length).split("?");
  const [name, version] = path.split("@");
  const decoded = name.split("/").map(decodeURIComponent).join("/");
  if (version) return `${decoded}:${decodeURIComponent(version)}`;
  const digest = new URLSearchParams(query).get("digest");
  return digest ? `${decoded}@${digest}` : decoded;
}

interface Base {
  name: string;
  /** How many history entries (bottom first) are the base's. */
  entries: number;
}

/**
 * Which of the candidates the image was built on. The build's own word first: an image its provenance names
 * (a FROM) whose layers are the image's bottom ones. Else (the classic builder records no provenance) the local
 * image whose layers are the longest run of the image's own from the bottom, short of all of them: an image
 * with every layer of ours is a copy, not a base.
 */
function findBase(config: z.infer<typeof configSchema>, candidates: { name: string; fromBuild: boolean; config: z.infer<typeof baseSchema> }[]): Base | null {
  const ours = config.rootfs.diff_ids;
  const under = (theirs: string[]) => theirs.length > 0 && theirs.length <= ours.length && theirs.every((d, i) => d === ours[i]);
  const longest = (list: typeof candidates) =>
    list.reduce<(typeof candidates)[number] | null>((best, c) => (!best || c.config.diff_ids.length > best.config.diff_ids.length ? c : best), null);
  const best =
    longest(candidates.filter((c) => c.fromBuild && under(c.config.diff_ids))) ??
    longest(candidates.filter((c) => !c.fromBuild && under(c.config.diff_ids) && c.config.diff_ids.length < ours.length));
  if (!best) return null;
  const layers = best.config.diff_ids.length;
  const history = config.history;
  // The base's own history is the start of ours when the build kept it (BuildKit and the classic builder do).
  const byHistory = best.config.history.length;
  const nonEmptyIn = (n: number) => history.slice(0, n).filter((h) => !h.empty_layer).length;
  if (byHistory <= history.length && nonEmptyIn(byHistory) === layers) return { name: best.name, entries: byHistory };
  // Otherwise: up to the base's last layer.
  let seen = 0;
  for (let i = 0; i < history.length; i++) if (!history[i].empty_layer && ++seen === layers) return { name: best.name, entries: i + 1 };
  return null;
}

/** What the layers script's output says about the image. */
export function readLayerStack(image: string, output: CommandOutput): LayerStack {
  if (output.timedOut) {
    return { state: "unavailable", image, message: "Docker in your sandbox took too long to list the layers. They will show after your next command." };
  }
  if (output.exitCode !== 0) {
    if (NO_SUCH_IMAGE.test(output.stderr)) return { state: "missing", image };
    if (DOCKER_DOWN.test(output.stderr)) {
      return { state: "unavailable", image, message: "Docker in your sandbox is not answering (it may still be starting)." };
    }
    const reason = output.stderr.trim().split("\n")[0] || `docker exited with ${output.exitCode}`;
    return { state: "unavailable", image, message: `The layers could not be read: ${reason}` };
  }
  const sections = splitSections(output.stdout);
  const section = (name: string) => sections.find((s) => s.name === name);
  const head = section("image");
  if (!head) return { state: "unavailable", image, message: "The layers could not be read: the sandbox gave no answer." };
  const [imageId, , contentSize] = head.args;
  if (section("unchanged")) return { state: "unchanged", image, imageId };

  // Oldest first from here on, as the config and the manifest count.
  const history = parseHistory(section("history")?.body ?? "");
  const config = parseJson(configSchema, section("config")?.body);
  const manifest = parseJson(manifestSchema, section("manifest")?.body);
  // The config says which steps made a layer; without it (or out of step with the history), the sizes do.
  const flags = config && config.history.length === history.length ? config.history.map((h) => !h.empty_layer) : history.map((h) => h.sizeBytes > 0);
  const candidates = sections
    .filter((s) => s.name === "base")
    .flatMap((s) => {
      const parsed = parseJson(baseSchema, s.body);
      const name = s.args[0] ?? "";
      return parsed ? [{ name: imageNameOfPurl(name), fromBuild: name.startsWith("pkg:docker/"), config: parsed }] : [];
    });
  const base = config && config.history.length === history.length ? findBase(config, candidates) : null;

  let layer = 0;
  const entries: StackEntry[] = history.map((h, i) => ({
    createdBy: h.createdBy,
    sizeBytes: h.sizeBytes,
    layer: flags[i] ? ++layer : null,
    base: base !== null && i < base.entries,
  }));

  const listingSections = sections.filter((s) => s.name === "listing");
  // Without the end mark the listings were cut at the cap: the last one is partial, so it is not read at all.
  if (!section("end")) listingSections.pop();
  const listings = new Map(listingSections.map((s) => [s.args[0], s.args[1] === "missing" ? null : parseListing(s.body)]));
  const layerListings: (ListedEntry[] | null)[] = (manifest?.layers ?? []).map((l) => listings.get(l.digest) ?? null);
  // Only what the learner's own steps hide: what the base hides of itself is the base's business.
  const baseLayers = entries.filter((e) => e.base && e.layer !== null).length;
  const hidden: HiddenBytes[] = layerListings.length === layer ? hiddenBytes(layerListings).filter((h) => h.by > baseLayers) : [];

  const listed = section("ls")?.body.split("\n")[0]?.trim();
  return {
    state: "built",
    image,
    imageId,
    entries: entries.reverse(),
    baseName: base?.name ?? null,
    hidden,
    listedSize: listed ? listed : null,
    unpackedBytes: history.reduce((sum, h) => sum + h.sizeBytes, 0),
    contentBytes: Number(contentSize) || 0,
  };
}

/**
 * A size as docker prints it (go-units HumanSize: decimal units, three significant digits, `%g` style):
 * 240233021 is `240MB`, 92903997 is `92.9MB`. Used to show that the parts add up to docker's own figure.
 */
export function dockerSize(bytes: number): string {
  const units = ["B", "kB", "MB", "GB", "TB", "PB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${Number(value.toPrecision(3))}${units[unit]}`;
}

/** The parts `docker image ls` adds up (containerd image store: the unpacked layers and the blobs they came from), if they do. */
export function sizeParts(stack: BuiltStack): { unpacked: string; content: string } | null {
  if (stack.listedSize === null || dockerSize(stack.unpackedBytes + stack.contentBytes) !== stack.listedSize) return null;
  return { unpacked: dockerSize(stack.unpackedBytes), content: dockerSize(stack.contentBytes) };
}

/** One row of the picture: the base image as one group, then each of the learner's steps. */
export interface StackRow {
  kind: "base" | "step";
  /** The base's name, or the instruction shortened for one line. */
  label: string;
  /** Every instruction the row stands for (the base's own, newest first), for its tooltip. */
  instructions: string[];
  sizeBytes: number;
  /** Filesystem layers in the row (a base has several; a metadata step none). */
  layers: number[];
  /** Width relative to the largest row (100), never under MIN_BAR_PERCENT; 0 for a row with no bytes. */
  widthPercent: number;
  /** Of this row's bytes, those a later layer hides (still shipped). */
  hiddenBytes: number;
  /** Links from this row's layers up to the layers that hide their bytes. */
  hiddenBy: HiddenBytes[];
  /** Links from this row's layer down to the bytes it hides. */
  hides: HiddenBytes[];
}

/** Narrowest bar a layer with files gets, in percent: a 20 kB layer beside an 84 MB one must still be seen. */
export const MIN_BAR_PERCENT = 1.5;

/**
 * The rows to draw, newest on top: the learner's steps one by one, and the base image's entries as one row
 * named by the image (without a known base, every entry is its own row). Bars are linear, so a 63 MB layer
 * of leftovers looks as heavy as it is.
 */
export function stackRows(stack: BuiltStack): StackRow[] {
  const rows: Omit<StackRow, "widthPercent">[] = [];
  const own = stack.baseName === null ? stack.entries : stack.entries.filter((e) => !e.base);
  const baseEntries = stack.baseName === null ? [] : stack.entries.filter((e) => e.base);
  const linksOf = (layers: number[]) => ({
    hiddenBy: stack.hidden.filter((h) => layers.includes(h.layer)),
    hides: stack.hidden.filter((h) => layers.includes(h.by)),
  });
  for (const entry of own) {
    const layers = entry.layer === null ? [] : [entry.layer];
    const links = linksOf(layers);
    rows.push({
      kind: "step",
      label: shortInstruction(entry.createdBy),
      instructions: [entry.createdBy],
      sizeBytes: entry.sizeBytes,
      layers,
      ...links,
      hiddenBytes: links.hiddenBy.reduce((sum, h) => sum + h.bytes, 0),
    });
  }
  if (baseEntries.length > 0) {
    const layers = baseEntries.flatMap((e) => (e.layer === null ? [] : [e.layer]));
    const links = linksOf(layers);
    rows.push({
      kind: "base",
      label: stack.baseName!,
      instructions: baseEntries.map((e) => e.createdBy),
      sizeBytes: baseEntries.reduce((sum, e) => sum + e.sizeBytes, 0),
      layers,
      ...links,
      hiddenBytes: links.hiddenBy.reduce((sum, h) => sum + h.bytes, 0),
    });
  }
  const largest = Math.max(0, ...rows.map((r) => r.sizeBytes));
  return rows.map((row) => ({
    ...row,
    hiddenBytes: Math.min(row.hiddenBytes, row.sizeBytes),
    widthPercent: row.sizeBytes === 0 ? 0 : Math.max(MIN_BAR_PERCENT, Math.round((1000 * row.sizeBytes) / largest) / 10),
  }));
}

/** An instruction short enough for one line: digests (`ADD file:4a8aad46…`) shortened, whitespace flattened. */
export function shortInstruction(createdBy: string): string {
  return createdBy.replace(/\s+/g, " ").replace(/\b([0-9a-f]{12})[0-9a-f]{20,}\b/g, "$1…");
}

/** A line in the picture's margin from a row down to a row whose bytes it hides. */
export interface StackLink {
  /** Rows as stackRows lists them (0 on top): the hiding row above, the hidden one below. */
  from: number;
  to: number;
  /** Margin lane, 0 nearest the bars: links that overlap get lanes of their own. */
  lane: number;
  how: HiddenBytes["how"];
}

/** The margin lines linking each hiding row to the rows it hides bytes of. */
export function stackLinks(rows: readonly StackRow[]): StackLink[] {
  const rowOfLayer = new Map(rows.flatMap((row, i) => row.layers.map((layer) => [layer, i] as const)));
  const links: Omit<StackLink, "lane">[] = [];
  rows.forEach((row, from) => {
    for (const hide of row.hides) {
      const to = rowOfLayer.get(hide.layer);
      if (to === undefined || to <= from || links.some((l) => l.from === from && l.to === to)) continue;
      links.push({ from, to, how: hide.how });
    }
  });
  // Shortest first, nearest the bars; a lane holds links that do not share a row.
  const lanes: Omit<StackLink, "lane">[][] = [];
  return [...links]
    .sort((a, b) => a.to - a.from - (b.to - b.from) || a.from - b.from)
    .map((link) => {
      let lane = lanes.findIndex((taken) => taken.every((t) => t.to < link.from || t.from > link.to));
      if (lane === -1) lane = lanes.push([]) - 1;
      lanes[lane].push(link);
      return { ...link, lane };
    })
    .sort((a, b) => a.from - b.from || a.to - b.to);
}
