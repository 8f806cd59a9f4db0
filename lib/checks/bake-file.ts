import { z } from "zod";
import { buildError } from "./build";
import { fail, parseJson, pass, type CheckResult, type CommandOutput } from "./check-result";
import { normalizeImageName } from "./image-config";
import { checkBase, imageRef, sandboxPath } from "./spec-fields";

/**
 * A bake file, as `docker buildx bake --print` resolves it: which targets `docker buildx bake` builds
 * and which tags they give. Read through buildx itself, so HCL, variables and groups mean what they
 * mean to the build.
 */

export const bakeSpecs = [
  z
    .object({
      ...checkBase,
      kind: z.literal("bake-target"),
      file: sandboxPath.default("docker-bake.hcl"),
      /** What the learner would name on the command line; without it, what plain `docker buildx bake` builds. */
      target: z.string().min(1).optional(),
      /** An image one of those targets must tag. */
      image: imageRef,
    })
    .strict(),
] as const;

export type BakeSpec = z.infer<(typeof bakeSpecs)[number]>;

const printed = z.object({
  group: z.record(z.string(), z.object({ targets: z.array(z.string()).default([]) })).default({}),
  target: z
    .record(z.string(), z.object({ context: z.string().optional(), dockerfile: z.string().optional(), tags: z.array(z.string()).default([]) }))
    .default({}),
});

/** `docker buildx bake -f FILE --print [TARGET]`, run in the file's folder. */
export function judgeBakeTarget(spec: BakeSpec, print: CommandOutput): CheckResult {
  if (print.exitCode !== 0 || print.timedOut) {
    if (/couldn't find a bake definition|no such file/i.test(print.stderr)) return fail(`There is no ${spec.file} yet.`);
    return fail(`docker buildx bake cannot read ${spec.file}: ${buildError(print)}`);
  }
  const parsed = printed.safeParse(parseJson(print.stdout));
  if (!parsed.success) return fail(`docker buildx bake --print printed something the lab cannot read.`, print.stdout.slice(0, 2000));
  const targets = Object.entries(parsed.data.target);
  if (targets.length === 0) return fail(`${spec.file} defines no target.`);
  const wanted = normalizeImageName(spec.image);
  const tagging = targets.find(([, t]) => t.tags.map(normalizeImageName).includes(wanted));
  const command = `docker buildx bake${spec.target ? ` ${spec.target}` : ""}`;
  if (!tagging) {
    const tags = targets.flatMap(([name, t]) => t.tags.map((tag) => `${name}: ${tag}`));
    return fail(
      `\`${command}\` builds ${targets.map(([name]) => name).join(", ")}, and no target tags ${wanted}${tags.length ? ` (tags: ${tags.join(", ")})` : ", or anything else"}. Add "${wanted}" to its tags.`,
    );
  }
  const [name, target] = tagging;
  const source = `${target.context ?? "."}/${target.dockerfile ?? "Dockerfile"}`.replace(/^\.\//, "");
  return pass(`\`${command}\` builds target ${name}, tagged ${wanted}, from ${source}.`);
}
