import { z } from "zod";
import { fail, formatSize, MB, parseJson, parseJsonStream, parseSize, pass, type CheckResult, type CommandOutput } from "./check-result";
import { checkBase, imageRef, megabytes, pattern } from "./spec-fields";

/** Checks answered by `docker image inspect`: does the image exist, and what did the Dockerfile configure. */

const valueMatch = {
  equals: z.string().optional(),
  matches: pattern.optional(),
};

export const imageConfigSpecs = [
  z.object({ ...checkBase, kind: z.literal("image-exists"), image: imageRef }).strict(),
  z.object({ ...checkBase, kind: z.literal("image-label"), image: imageRef, label: z.string().min(1), ...valueMatch }).strict(),
  z.object({ ...checkBase, kind: z.literal("image-env"), image: imageRef, name: z.string().min(1), ...valueMatch }).strict(),
  z
    .object({ ...checkBase, kind: z.literal("image-user"), image: imageRef, equals: z.string().optional(), notRoot: z.literal(true).optional() })
    .strict()
    .refine((s) => s.equals !== undefined || s.notRoot, { message: "give equals or notRoot: true" }),
  z
    .object({
      ...checkBase,
      kind: z.literal("image-exposes"),
      image: imageRef,
      port: z.number().int().min(1).max(65535),
      protocol: z.enum(["tcp", "udp"]).default("tcp"),
    })
    .strict(),
  z.object({ ...checkBase, kind: z.literal("image-cmd"), image: imageRef, equals: z.array(z.string()).min(1) }).strict(),
  z
    .object({ ...checkBase, kind: z.literal("image-size"), image: imageRef, maxMb: megabytes.optional(), minMb: megabytes.optional() })
    .strict()
    .refine((s) => s.maxMb !== undefined || s.minMb !== undefined, { message: "give maxMb or minMb" }),
] as const;

export type ImageConfigSpec = z.infer<(typeof imageConfigSpecs)[number]>;

// The edge between the sandbox's docker and the lab: parse what the judges read, ignore the rest.
const inspectSchema = z.array(
  z.object({
    Id: z.string(),
    RepoTags: z.array(z.string()).nullish(),
    /** Picks the platform's manifest out of an index (layer-files). */
    Architecture: z.string().nullish(),
    Config: z
      .object({
        User: z.string().nullish(),
        Env: z.array(z.string()).nullish(),
        Cmd: z.array(z.string()).nullish(),
        Entrypoint: z.array(z.string()).nullish(),
        Labels: z.record(z.string(), z.string()).nullish(),
        ExposedPorts: z.record(z.string(), z.unknown()).nullish(),
      })
      .nullish(),
    RootFS: z.object({ Layers: z.array(z.string()).nullish() }).nullish(),
  }),
);

export type InspectedImage = z.infer<typeof inspectSchema>[number];

export interface ImageEvidence {
  /** `docker image inspect IMAGE` */
  inspect: CommandOutput;
  /** `docker image ls --format '{{.Repository}}:{{.Tag}}'`, read only when the image is missing, to suggest near names. */
  tags?: string[];
  /** `docker image ls --format json IMAGE`, for image-size: the SIZE the learner sees there. */
  listed?: CommandOutput;
}

/** The inspected image, or the failed result that explains why there is none. */
export function readInspectedImage(image: string, evidence: ImageEvidence): InspectedImage | CheckResult {
  const { inspect } = evidence;
  if (inspect.exitCode !== 0) {
    if (/no such (image|object)/i.test(inspect.stderr)) return missingImage(image, evidence.tags ?? []);
    return fail(`docker image inspect ${image} failed: ${inspect.stderr.trim() || `exit code ${inspect.exitCode}`}`);
  }
  const parsed = inspectSchema.safeParse(parseJson(inspect.stdout));
  if (!parsed.success || parsed.data.length === 0) return fail(`docker image inspect ${image} printed something the lab cannot read.`, inspect.stdout.slice(0, 2000));
  return parsed.data[0];
}

export function judgeImageConfig(spec: ImageConfigSpec, evidence: ImageEvidence): CheckResult {
  const image = readInspectedImage(spec.image, evidence);
  if ("passed" in image) return image;
  const config = image.Config ?? {};
  const name = displayName(spec.image);
  const Name = capitalized(name);
  switch (spec.kind) {
    case "image-exists":
      return pass(`${Name} exists.`);
    case "image-label": {
      const labels = config.Labels ?? {};
      if (!(spec.label in labels)) {
        const others = Object.keys(labels).filter((l) => !l.startsWith("org.opencontainers.") && !l.startsWith("layerlab."));
        return fail(`${Name} has no label "${spec.label}"${others.length ? ` (its labels: ${others.join(", ")})` : ""}.`);
      }
      return judgeValue(`The label "${spec.label}" of ${name}`, labels[spec.label], spec);
    }
    case "image-env": {
      const entry = (config.Env ?? []).find((e) => e.split("=")[0] === spec.name);
      if (entry === undefined) return fail(`${Name} sets no environment variable ${spec.name}.`);
      return judgeValue(`${spec.name} in ${name}`, entry.slice(spec.name.length + 1), spec);
    }
    case "image-user": {
      const user = config.User ?? "";
      const shown = user === "" ? "root (no USER set)" : `"${user}"`;
      if (spec.notRoot && (user === "" || ["root", "0"].includes(user.split(":")[0]))) {
        return fail(`${Name} runs as ${shown}: a process that breaks out of the app would hold root inside the container.`);
      }
      if (spec.equals !== undefined && user !== spec.equals) return fail(`${Name} runs as ${shown}; expected "${spec.equals}".`);
      return pass(`${Name} runs as ${shown}.`);
    }
    case "image-exposes": {
      const key = `${spec.port}/${spec.protocol}`;
      const exposed = Object.keys(config.ExposedPorts ?? {});
      if (exposed.includes(key)) return pass(`${Name} exposes ${key}.`);
      return fail(`${Name} does not expose ${key}${exposed.length ? ` (it exposes ${exposed.join(", ")})` : " (it exposes no ports)"}.`);
    }
    case "image-cmd": {
      const cmd = config.Cmd ?? [];
      if (JSON.stringify(cmd) === JSON.stringify(spec.equals)) return pass(`${Name} starts ${JSON.stringify(cmd)}.`);
      return fail(`${Name} starts ${cmd.length ? JSON.stringify(cmd) : "no CMD"}; expected ${JSON.stringify(spec.equals)}.`);
    }
    case "image-size": {
      // The SIZE column of `docker image ls`, which with the containerd image store counts the
      // compressed layers and their unpacked copy: the number the learner compares.
      // The CLI prints a rounded size ("123MB"); the engine's API, read by the lab directly, gives bytes.
      const listed = z.object({ Size: z.union([z.string(), z.number()]) }).safeParse(parseJsonStream(evidence.listed?.stdout ?? "")[0]);
      const bytes = !listed.success ? NaN : typeof listed.data.Size === "number" ? listed.data.Size : parseSize(listed.data.Size);
      if (!Number.isFinite(bytes)) return fail(`docker image ls ${spec.image} did not show a size the lab can read.`, evidence.listed?.stdout);
      const size = formatSize(bytes);
      if (spec.maxMb !== undefined && bytes > spec.maxMb * MB) return fail(`${Name} is ${size}; it should be under ${formatSize(spec.maxMb * MB)}.`);
      if (spec.minMb !== undefined && bytes < spec.minMb * MB) return fail(`${Name} is only ${size}; expected at least ${formatSize(spec.minMb * MB)}.`);
      return pass(`${Name} is ${size}.`);
    }
  }
}

function judgeValue(subject: string, actual: string, spec: { equals?: string; matches?: string }): CheckResult {
  if (spec.equals !== undefined && actual !== spec.equals) return fail(`${subject} is "${actual}"; expected "${spec.equals}".`);
  if (spec.matches !== undefined && !new RegExp(spec.matches).test(actual)) return fail(`${subject} is "${actual}", which does not match /${spec.matches}/.`);
  return pass(`${subject} is "${actual}".`);
}

/** example/hello → example/hello:latest, as docker shows it. */
export function normalizeImageName(ref: string): string {
  const withoutRegistry = ref.replace(/^docker\.io\/(library\/)?/, "");
  const lastSegment = withoutRegistry.split("/").at(-1) ?? "";
  return lastSegment.includes(":") || lastSegment.includes("@") ? withoutRegistry : `${withoutRegistry}:latest`;
}

export function displayName(ref: string): string {
  return `the image ${normalizeImageName(ref)}`;
}

export function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function missingImage(image: string, tags: string[]): CheckResult {
  const wanted = normalizeImageName(image);
  const near = tags
    .map(normalizeImageName)
    .filter((t) => !t.startsWith("<none>") && t !== wanted)
    .map((t) => ({ tag: t, score: likeness(wanted, t) }))
    .filter((t) => t.score > 0)
    .sort((a, b) => b.score - a.score)
    .slice(0, 3)
    .map((t) => t.tag);
  return fail(`There is no image ${wanted} yet.${near.length ? ` Near names you have: ${near.join(", ")}.` : ""} Build it with -t ${wanted}.`);
}

/** How much a tag looks like the one asked for: same repository, a name inside the other, same namespace. */
function likeness(wanted: string, tag: string): number {
  const split = (ref: string) => {
    const repo = ref.slice(0, ref.lastIndexOf(":"));
    const slash = repo.lastIndexOf("/");
    return { repo, namespace: repo.slice(0, slash + 1), name: repo.slice(slash + 1) };
  };
  const a = split(wanted);
  const b = split(tag);
  if (a.repo === b.repo) return 3;
  if (a.name.includes(b.name) || b.name.includes(a.name)) return 2;
  return a.namespace !== "" && a.namespace === b.namespace ? 1 : 0;
}
