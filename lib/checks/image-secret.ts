import { z } from "zod";
import { fail, pass, quote, type CheckResult, type CommandOutput } from "./check-result";
import { displayName, readInspectedImage, type ImageEvidence } from "./image-config";
import { parseImageLayers, type ImageLayer } from "./layer-files";
import { checkBase, imageRef } from "./spec-fields";

/**
 * A secret that must be in no part of an image: not in any layer's files (a file deleted by a later
 * step is still in the layer that added it), not in the configuration, not in the history (a build
 * argument used by a RUN is recorded with that RUN). The value is searched as plain text.
 */

export const imageSecretSpecs = [
  z
    .object({
      ...checkBase,
      kind: z.literal("secret-absent"),
      image: imageRef,
      /** The secret's text. Long enough that finding it by chance in a base image's files is not a risk. */
      value: z.string().min(8),
      /** How messages name it: "the API token". */
      what: z.string().min(1).default("the secret"),
    })
    .strict(),
] as const;

export type ImageSecretSpec = z.infer<(typeof imageSecretSpecs)[number]>;

/** Marks the sections of the scan's output (see server/checks/secret-checks.ts). */
export const SECRET_MARK = "### ";

/**
 * The scan's output: the manifest and config lines (as for layer-files), then `### config` followed by
 * one JSON `{path, text}` a line for each string of the config holding the value, then for each layer
 * `### layer DIGEST clean|found|missing|zstd`, a found layer followed by the paths of its files that hold
 * it, then the same for each layer of the image's attestations (`### attestation DIGEST …`).
 */
export interface SecretScan {
  layers: ImageLayer[];
  config: { path: (string | number)[]; text: string }[];
  /** By digest: null for a blob the store does not hold; otherwise the files holding the value (empty: clean). */
  found: Map<string, string[] | null>;
  /** Layers whose data held the value outside any file's content (a name, a link target). */
  foundOutsideFiles: Set<string>;
  /** Layers compressed with zstd, which the scan cannot read. */
  zstd: Set<string>;
  /** Layers of the image's attestations (provenance) that hold the value. */
  attestationsHolding: number;
}

const configHit = z.object({ path: z.array(z.union([z.string(), z.number()])), text: z.string() });

export function parseSecretScan(stdout: string): SecretScan | null {
  const lines = stdout.split("\n");
  const layers = parseImageLayers(lines.slice(0, 2).join("\n"));
  if (!layers) return null;
  const scan: SecretScan = { layers, config: [], found: new Map(), foundOutsideFiles: new Set(), zstd: new Set(), attestationsHolding: 0 };
  let section: "config" | "attestation" | { digest: string } | null = null;
  for (const line of lines.slice(2)) {
    if (line.startsWith(SECRET_MARK)) {
      const [what, digest, state] = line.slice(SECRET_MARK.length).trim().split(/\s+/);
      if (what === "config") section = "config";
      else if (what === "attestation") {
        section = "attestation";
        if (state === "found") scan.attestationsHolding++;
      } else if (what === "layer" && digest) {
        if (state === "zstd") scan.zstd.add(digest);
        section = { digest };
        scan.found.set(digest, state === "missing" || state === "zstd" ? null : []);
        if (state === "found") scan.foundOutsideFiles.add(digest);
      }
      continue;
    }
    if (!line.trim() || !section || section === "attestation") continue;
    if (section === "config") {
      try {
        const hit = configHit.safeParse(JSON.parse(line));
        if (hit.success) scan.config.push(hit.data);
      } catch {
        // A line that is not a hit is not evidence of one.
      }
    } else {
      scan.found.get(section.digest)?.push(line.replace(/^\.\//, ""));
      scan.foundOutsideFiles.delete(section.digest);
    }
  }
  return scan;
}

export interface ImageSecretEvidence extends ImageEvidence {
  scan?: CommandOutput;
}

export function judgeImageSecret(spec: ImageSecretSpec, evidence: ImageSecretEvidence): CheckResult {
  const image = readInspectedImage(spec.image, evidence);
  if ("passed" in image) return image;
  const name = displayName(spec.image);
  const scan = evidence.scan?.exitCode === 0 ? parseSecretScan(evidence.scan.stdout) : null;
  if (!scan) return fail(`The lab could not read the layers of ${name}.`, evidence.scan?.stderr.trim() || undefined);
  const hide = (text: string) => text.replaceAll(spec.value, "•••");

  const unread = scan.layers.find((l) => scan.found.get(l.digest) === null || !scan.found.has(l.digest));
  if (unread) {
    const why = scan.zstd.has(unread.digest) ? "it is compressed with zstd, which the lab cannot search; build it with the default (gzip)" : "its blob is not in your image store";
    return fail(`The lab could not read ${describe(unread)} of ${name}: ${why}.`);
  }

  const places: string[] = [];
  for (const layer of scan.layers) {
    const files = scan.found.get(layer.digest) ?? [];
    if (files.length) places.push(`${describe(layer)} holds it in ${files.slice(0, 3).join(", ")}${files.length > 3 ? ` and ${files.length - 3} more` : ""}`);
    else if (scan.foundOutsideFiles.has(layer.digest)) places.push(`${describe(layer)} holds it (in a file's name or link)`);
  }
  for (const hit of scan.config) places.push(configPlace(hit, hide));
  if (scan.attestationsHolding) places.push("the build's attestation (its provenance, pushed with the image) records it, as it records build arguments");
  const details = [
    ...scan.layers.map((l) => `${String(l.number).padStart(2)}  ${(scan.found.get(l.digest) ?? []).length || scan.foundOutsideFiles.has(l.digest) ? "HOLDS IT" : "clean   "}  ${l.createdBy.replace(/\s+/g, " ").slice(0, 90)}`),
    ...scan.config.map((h) => `config ${h.path.join(".")}: ${hide(h.text).replace(/\s+/g, " ").slice(0, 120)}`),
    ...(scan.attestationsHolding ? [`attestation: ${scan.attestationsHolding} layer(s) hold it`] : []),
  ].join("\n");

  if (places.length) {
    const first = places[0].replace(/^(.)/, (c) => c.toUpperCase());
    const rest = places.length > 3 ? `${places.slice(1, 3).join("; ")}; and ${places.length - 3} more (see the details)` : places.slice(1).join("; ");
    const more = places.length > 1 ? ` It is also in ${places.length - 1} more place${places.length > 2 ? "s" : ""}: ${rest}.` : "";
    return fail(`${capital(spec.what)} is in ${name}, where anyone who pulls the image can read it. ${first}.${more}`, hide(details));
  }
  const layers = scan.layers.length === 1 ? "its one layer" : `any of its ${scan.layers.length} layers`;
  return pass(`${capital(spec.what)} is not in ${name}: not in ${layers}, nor in its configuration or history.`, details);
}

/** Where in the config a hit is, in a learner's words. */
function configPlace(hit: { path: (string | number)[]; text: string }, hide: (text: string) => string): string {
  const [top, index, field] = hit.path;
  if (top === "history" && field === "created_by") {
    const step = hide(hit.text).replace(/\s*# buildkit$/, "");
    const arg = /^RUN \|\d+ /.test(step) ? " (a build argument a RUN uses is recorded with it)" : "";
    return `the image's history records it at step ${Number(index) + 1}${arg}: ${quote(step, 70)}`;
  }
  if (top === "config" && index === "Env") return `its environment holds it in ${hit.text.split("=")[0]} (an ENV stays in the image and in every container)`;
  if (top === "config" && index === "Labels") return `its label ${String(field)} holds it`;
  return `its configuration holds it at ${hit.path.join(".")}`;
}

function describe(layer: ImageLayer): string {
  return layer.createdBy === `layer ${layer.number}` ? `layer ${layer.number}` : `layer ${layer.number} (made by ${quote(layer.createdBy, 50)})`;
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
