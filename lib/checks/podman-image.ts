import { z } from "zod";
import { fail, pass, quote, tail, type CheckResult, type CommandOutput } from "./check-result";
import { checkBase, imageRef, pattern } from "./spec-fields";

/**
 * An image in Podman's own store (rootless, ~/.local/share/containers), which Docker's engine does not
 * see: the check asks `podman image inspect` as the learner, and with `output` runs
 * `podman run --rm IMAGE ARGS…` and matches what it prints.
 */
export const podmanImageSpecs = [
  z
    .object({
      ...checkBase,
      kind: z.literal("podman-image"),
      /** As Podman names it, fully qualified: localhost/example/hello:latest, docker.io/library/node:18. */
      image: imageRef,
      args: z.array(z.string()).default([]),
      /** Pattern the container's output (stdout and stderr together) must match. */
      output: pattern.optional(),
    })
    .strict(),
] as const;

export type PodmanImageSpec = z.infer<(typeof podmanImageSpecs)[number]>;

/** What the check saw: podman's inspect, Docker's inspect of the same name without the localhost/ Podman adds, and the run. */
export interface PodmanImageEvidence {
  inspect: CommandOutput;
  docker?: CommandOutput;
  run?: CommandOutput;
}

/** localhost/example/hello:latest → example/hello:latest, the name Docker gives the same `-t example/hello`. */
export function dockerNameOf(podmanName: string): string {
  return podmanName.replace(/^localhost\//, "");
}

export function judgePodmanImage(spec: PodmanImageSpec, seen: PodmanImageEvidence): CheckResult {
  const name = spec.image;
  if (seen.inspect.exitCode !== 0) {
    const said = (seen.inspect.stdout + seen.inspect.stderr).trim();
    if (!/image not known|no such image|unable to find/i.test(said)) {
      return fail(`\`podman image inspect ${name}\` failed (exit code ${seen.inspect.exitCode}): ${quote(said.split("\n").at(-1) ?? "", 160)}`, tail(said));
    }
    if (seen.docker?.exitCode === 0) {
      return fail(
        `There is no image ${name} in Podman's store, but Docker's store has ${dockerNameOf(name)}: it was built or pulled with docker. ` +
          "Podman keeps its own images (in ~/.local/share/containers); `podman images` lists them.",
      );
    }
    return fail(`There is no image ${name} in Podman's store (\`podman images\` lists what there is; Podman writes names in full, e.g. localhost/example/hello:latest).`);
  }
  if (spec.output === undefined) return pass(`Podman's store has ${name}.`);
  const run = seen.run;
  if (!run) return fail(`The check could not run a container from ${name}.`);
  const command = ["podman run --rm", name, ...spec.args].join(" ");
  const output = (run.stdout + run.stderr).trim();
  if (run.timedOut) return fail(`\`${command}\` did not finish in time.`, tail(output));
  if (run.exitCode !== 0) return fail(`\`${command}\` failed (exit code ${run.exitCode}): ${quote(output.split("\n").at(-1) ?? "", 160)}`, tail(output));
  if (!new RegExp(spec.output, "m").test(output)) {
    return fail(`\`${command}\` printed ${output ? quote(output, 120) : "nothing"}, which does not match /${spec.output}/.`, tail(output));
  }
  return pass(`\`${command}\` printed ${quote(output, 120)}.`);
}
