import { z } from "zod";
import { fail, parseJson, pass, type CheckResult, type CommandOutput } from "./check-result";
import { checkBase, sandboxPath } from "./spec-fields";

/**
 * What a build wrote with `--output`: a folder (type=local), a tar of the result's files (type=tar),
 * or an OCI image layout (type=oci, a tar by default, a folder with tar=false).
 */

export const exportedFileSpecs = [
  z
    .object({
      ...checkBase,
      kind: z.literal("exported-files"),
      path: sandboxPath,
      /** folder: type=local; tar: type=tar; oci: an OCI image layout, as a tar or a folder. */
      format: z.enum(["folder", "tar", "oci"]),
      /** Entries that must be there, relative to the output's top: `hello`, `usr/local/bin/hello`. */
      has: z.array(z.string().min(1)).default([]),
      /** Entries that must not be there: a whole root filesystem where one file was wanted. */
      lacks: z.array(z.string().min(1)).default([]),
      /** The command that writes it, for the message when it is missing: `--cache-to type=local,dest=.buildcache`. */
      writtenBy: z.string().min(1).optional(),
    })
    .strict(),
] as const;

export type ExportedFilesSpec = z.infer<(typeof exportedFileSpecs)[number]>;

/** Exit codes of the listing command (server/checks/export-checks.ts). */
export const EXPORT_MISSING = 3;
export const EXPORT_IS_FOLDER = 4;
export const EXPORT_IS_FILE = 5;
/** Printed between the listing and an OCI layout's index.json. */
export const INDEX_MARK = "--- layerlab index.json ---";

const ociIndex = z.object({
  manifests: z.array(z.object({ mediaType: z.string().optional(), annotations: z.record(z.string(), z.string()).optional() })).default([]),
});

/** Entries as `find` or `tar -t` print them, without ./ and trailing slashes. */
function entries(listing: string): string[] {
  return listing
    .split("\n")
    .map((l) => l.trim().replace(/^\.\//, "").replace(/\/$/, ""))
    .filter((l) => l && l !== ".");
}

const ROOT_FS = ["bin", "etc", "usr"];

export function judgeExportedFiles(spec: ExportedFilesSpec, listing: CommandOutput): CheckResult {
  const what = spec.format === "folder" ? "a folder (type=local)" : spec.format === "tar" ? "a tar file (type=tar)" : "an OCI image layout (type=oci)";
  if (listing.exitCode === EXPORT_MISSING) return fail(`There is no ${spec.path} yet: ${spec.writtenBy ? `${spec.writtenBy} writes it` : `the build should write ${what} there with --output`}.`);
  if (listing.exitCode === EXPORT_IS_FOLDER) return fail(`${spec.path} is a folder, but it should be ${what}.`);
  if (listing.exitCode === EXPORT_IS_FILE) return fail(`${spec.path} is a file, but it should be ${what}.`);
  if (listing.exitCode !== 0) return fail(`The lab could not read ${spec.path}: ${listing.stderr.trim() || `exit code ${listing.exitCode}`}`);

  const [list, index] = listing.stdout.split(`${INDEX_MARK}\n`);
  const found = entries(list);
  const top = [...new Set(found.map((e) => e.split("/")[0]))];
  const shown = `${top.slice(0, 8).join(", ")}${top.length > 8 ? ", …" : ""}`;
  const details = found.slice(0, 200).join("\n");

  if (spec.format === "oci") {
    if (!found.includes("index.json") || !found.includes("oci-layout")) {
      return fail(
        `${spec.path} is not an OCI image layout: it has no index.json and oci-layout${top.length ? ` (it holds ${shown})` : ""}. That is what type=tar writes; type=oci writes an image layout.`,
        details,
      );
    }
    const parsed = ociIndex.safeParse(parseJson(index ?? ""));
    if (!parsed.success || parsed.data.manifests.length === 0) return fail(`${spec.path} has an index.json that names no image.`, index);
  }
  const missing = spec.has.filter((want) => !found.includes(want.replace(/^\.?\//, "").replace(/\/$/, "")));
  if (missing.length) {
    const rootfs = ROOT_FS.every((d) => top.includes(d));
    const why = rootfs
      ? ` It holds a whole root filesystem (${shown}): the build exported its last stage. Export a stage that holds only what you want (--target).`
      : top.length
        ? ` It holds ${shown}.`
        : " It is empty.";
    return fail(`${spec.path} has no ${missing.join(", ")}.${why}`, details);
  }
  const unwanted = spec.lacks.filter((e) => found.includes(e.replace(/^\.?\//, "").replace(/\/$/, "")));
  if (unwanted.length) return fail(`${spec.path} also holds ${unwanted.join(", ")}: more than the build should export.`, details);
  if (spec.format === "oci") {
    const manifests = ociIndex.parse(parseJson(index ?? "")).manifests;
    const names = manifests.map((m) => m.annotations?.["io.containerd.image.name"] ?? m.annotations?.["org.opencontainers.image.ref.name"]).filter(Boolean);
    return pass(`${spec.path} is an OCI image layout: its index.json names ${manifests.length} image${manifests.length === 1 ? "" : "s"}${names.length ? ` (${names.join(", ")})` : ""}.`, details);
  }
  return pass(`${spec.path} is ${what}${spec.has.length ? ` holding ${spec.has.join(", ")}` : ""}.`, details);
}
