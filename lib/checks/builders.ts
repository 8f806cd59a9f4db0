import { z } from "zod";
import { buildError } from "./build";
import { fail, parseJson, pass, type CheckResult, type CommandOutput } from "./check-result";
import { checkBase, imageRef, pattern } from "./spec-fields";

/** Where builds and docker commands go (buildx builders, docker contexts), and what a build attests about itself. */

const builderName = z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, "a builder or context name");

export const builderSpecs = [
  z
    .object({
      ...checkBase,
      kind: z.literal("buildx-builder"),
      name: builderName,
      driver: z.enum(["docker", "docker-container", "kubernetes", "remote"]).optional(),
      /** true: builds must go to this builder now; false: they must not. */
      current: z.boolean().optional(),
    })
    .strict(),
  z
    .object({
      ...checkBase,
      kind: z.literal("docker-context"),
      name: builderName,
      /** Pattern the context's Docker endpoint must match: `^unix:///home/learner/\.run-second/docker\.sock$`. */
      endpoint: pattern.optional(),
      /** true: docker commands must go to this context now; false: they must not. */
      current: z.boolean().optional(),
      /** An image the engine behind this context must have. */
      image: imageRef.optional(),
    })
    .strict(),
  z
    .object({
      ...checkBase,
      kind: z.literal("provenance"),
      /** The image in a registry: localhost:5000/where:1. */
      image: imageRef,
      /** max: the attestation must hold the build's steps too (buildConfig). */
      mode: z.enum(["min", "max"]).default("max"),
    })
    .strict(),
] as const;

export type BuilderSpec = z.infer<(typeof builderSpecs)[number]>;
type Of<K> = Extract<BuilderSpec, { kind: K }>;

/** `Name:  lab` from `docker buildx inspect`'s text. */
function field(text: string, name: string): string | undefined {
  return new RegExp(`^${name}:\\s*(.+)$`, "m").exec(text)?.[1].trim();
}

export interface BuilderEvidence {
  /** `docker buildx inspect NAME`. */
  named: CommandOutput;
  /** `docker buildx inspect` (the builder in use); only when `current` is asked. */
  inUse?: CommandOutput;
}

export function judgeBuilder(spec: Of<"buildx-builder">, evidence: BuilderEvidence): CheckResult {
  if (evidence.named.exitCode !== 0) {
    if (/no builder .* found/i.test(evidence.named.stderr)) return fail(`There is no builder ${spec.name}: \`docker buildx ls\` lists the builders there are.`);
    return fail(`docker buildx cannot read builder ${spec.name}: ${buildError(evidence.named)}`);
  }
  const driver = field(evidence.named.stdout, "Driver");
  if (spec.driver && driver !== spec.driver) return fail(`Builder ${spec.name} uses the ${driver ?? "unknown"} driver, not ${spec.driver}.`);
  if (spec.current !== undefined) {
    const inUse = evidence.inUse?.exitCode === 0 ? field(evidence.inUse.stdout, "Name") : undefined;
    if (!inUse) return fail(`docker buildx cannot say which builder is in use: ${evidence.inUse ? buildError(evidence.inUse) : "not asked"}`);
    if (spec.current && inUse !== spec.name) return fail(`Your builds go to builder ${inUse}, not ${spec.name}: \`docker buildx use ${spec.name}\` switches.`);
    if (!spec.current && inUse === spec.name) return fail(`Your builds still go to builder ${spec.name}.`);
    return pass(`Builder ${spec.name}${driver ? ` (driver ${driver})` : ""} is there, and your builds go to ${inUse}.`);
  }
  return pass(`Builder ${spec.name} is there${driver ? `, with the ${driver} driver` : ""}.`);
}

const contextSchema = z.array(z.object({ Name: z.string(), Endpoints: z.object({ docker: z.object({ Host: z.string() }).optional() }) })).min(1);

export interface ContextEvidence {
  /** `docker context inspect NAME`, stderr joined to stdout. */
  inspect: CommandOutput;
  /** `docker context show`. */
  current: CommandOutput;
  /** `docker --context NAME image inspect --format {{.Id}} IMAGE`, stderr joined to stdout; only with `image`. */
  image?: CommandOutput;
  /** The same question to the current context, to say where the image went instead. */
  imageInCurrent?: CommandOutput;
}

export function judgeContext(spec: Of<"docker-context">, evidence: ContextEvidence): CheckResult {
  if (evidence.inspect.exitCode !== 0) {
    if (/not found|does not exist/i.test(evidence.inspect.stdout)) return fail(`There is no context ${spec.name}: \`docker context create ${spec.name} --docker host=…\` makes one.`);
    return fail(`docker cannot read context ${spec.name}: ${evidence.inspect.stdout.trim()}`);
  }
  const parsed = contextSchema.safeParse(parseJson(evidence.inspect.stdout));
  if (!parsed.success) return fail(`docker context inspect ${spec.name} printed something the lab cannot read.`, evidence.inspect.stdout.slice(0, 2000));
  const host = parsed.data[0].Endpoints.docker?.Host ?? "";
  if (spec.endpoint && !new RegExp(spec.endpoint).test(host)) return fail(`Context ${spec.name} points at ${host || "no Docker endpoint"}, which is not /${spec.endpoint}/.`);
  const current = evidence.current.stdout.trim();
  if (spec.current === true && current !== spec.name) return fail(`The current context is ${current}, not ${spec.name}: \`docker context use ${spec.name}\`.`);
  if (spec.current === false && current === spec.name) {
    return fail(`The current context is still ${spec.name}: every docker command goes to the engine at ${host}. \`docker context use default\` comes back.`);
  }
  if (spec.image && evidence.image) {
    const answer = evidence.image.stdout.trim();
    if (evidence.image.exitCode !== 0) {
      if (/Cannot connect to the Docker daemon|connection refused|no such file/i.test(answer)) {
        return fail(`Nothing answers at ${host}, the engine behind context ${spec.name}: is it running?`, answer);
      }
      const elsewhere = evidence.imageInCurrent?.exitCode === 0 && current !== spec.name;
      return fail(
        `The engine behind context ${spec.name} has no ${spec.image}${elsewhere ? `; the engine of context ${current} has it, so that is where it was built. Build with \`docker --context ${spec.name} …\` or after \`docker context use ${spec.name}\`` : ""}.`,
        answer,
      );
    }
    return pass(`Context ${spec.name} points at ${host}, and that engine has ${spec.image}.`);
  }
  return pass(`Context ${spec.name} points at ${host}${spec.current === undefined ? "" : `; the current context is ${current}`}.`);
}

const provenanceSchema = z.object({
  SLSA: z
    .object({
      buildConfig: z.object({ llbDefinition: z.array(z.unknown()).default([]) }).passthrough().optional(),
      materials: z.array(z.object({ uri: z.string() })).default([]),
      invocation: z.object({ configSource: z.object({ entryPoint: z.string().optional() }).passthrough().optional() }).passthrough().optional(),
    })
    .passthrough()
    .optional(),
});

/** `docker buildx imagetools inspect IMAGE --format '{{json .Provenance}}'`. */
export function judgeProvenance(spec: Of<"provenance">, inspect: CommandOutput): CheckResult {
  if (inspect.exitCode !== 0) {
    if (/not found|manifest unknown|name unknown/i.test(inspect.stderr)) return fail(`The registry has no ${spec.image}: push it with \`--push\`.`);
    return fail(`docker buildx imagetools cannot read ${spec.image}: ${buildError(inspect)}`);
  }
  const parsed = provenanceSchema.safeParse(parseJson(inspect.stdout));
  if (!parsed.success) return fail(`docker buildx imagetools printed something the lab cannot read for ${spec.image}.`, inspect.stdout.slice(0, 2000));
  const slsa = parsed.data.SLSA;
  if (!slsa) {
    return fail(
      `${spec.image} carries no provenance attestation. BuildKit attaches one to what it pushes, unless the build said --provenance=false (an image pushed with \`docker image push\` has only what its build kept).`,
    );
  }
  const materials = slsa.materials.map((m) => m.uri.replace(/^pkg:docker\//, "").replace(/\?.*$/, ""));
  const from = materials.length ? ` Built from ${materials.slice(0, 3).join(", ")}.` : "";
  if (spec.mode === "max" && !slsa.buildConfig) {
    return fail(`${spec.image}'s provenance is mode=min: it names the sources and the builder, but not the build's steps (no buildConfig).${from}`);
  }
  const steps = slsa.buildConfig ? ` with the build's ${slsa.buildConfig.llbDefinition.length} steps` : "";
  return pass(`${spec.image} carries a provenance attestation${steps}.${from}`, inspect.stdout.slice(0, 4000));
}
