import { z } from "zod";
import { buildError, tellingLine } from "./build";
import { fail, parseJson, pass, quote, tail, type CheckResult, type CommandOutput } from "./check-result";
import { normalizeImageName } from "./image-config";
import { checkBase, imageRef } from "./spec-fields";

/**
 * An image's HEALTHCHECK, judged by Docker itself: the check starts a container from the image and waits
 * for healthy or unhealthy. (A container the learner started is judged by `running-health`.)
 */
export const containerHealthSpecs = [
  z
    .object({
      ...checkBase,
      kind: z.literal("container-health"),
      image: imageRef,
      /**
       * Seconds the app may take to start: probes that fail in this window do not count (Docker's start
       * period). The check probes every second with two retries, whatever intervals the image sets, so a
       * verdict never waits for a 30 s interval.
       */
      startSeconds: z.number().int().min(1).max(60).default(10),
    })
    .strict(),
] as const;

export type ContainerHealthSpec = z.infer<(typeof containerHealthSpecs)[number]>;

/** `--health-*` flags the check starts the container with: the image's probe, on a short clock. */
export function healthFlags(spec: ContainerHealthSpec): string[] {
  return [
    "--health-interval", "1s",
    "--health-start-interval", "1s",
    "--health-timeout", "3s",
    "--health-retries", "2",
    "--health-start-period", `${spec.startSeconds}s`,
  ];
}

const healthSchema = z.object({
  Status: z.string(),
  FailingStreak: z.number().optional(),
  Log: z.array(z.object({ ExitCode: z.number(), Output: z.string() })).nullish(),
});
const healthcheckSchema = z.object({ Test: z.array(z.string()).nullish() }).nullish();

export interface ContainerHealthEvidence {
  /** `docker container run -d --health-… IMAGE` */
  run: CommandOutput;
  /** `STATUS EXITCODE` of the container when the wait ended, e.g. `running 0`, `exited 1`. */
  state?: string;
  /** `docker container inspect --format '{{json .State.Health}}'`: `null` when the image has no HEALTHCHECK. */
  health?: string;
  /** `docker container inspect --format '{{json .Config.Healthcheck}}'` */
  healthcheck?: string;
  /** `docker container logs`, read when the container stopped. */
  logs?: CommandOutput;
}

export function judgeContainerHealth(spec: ContainerHealthSpec, evidence: ContainerHealthEvidence): CheckResult {
  const image = normalizeImageName(spec.image);
  if (evidence.run.exitCode !== 0) {
    if (/no such image|pull access denied|manifest unknown|failed to resolve reference/i.test(evidence.run.stderr)) {
      return fail(`There is no image ${image} to start yet. Build it with -t ${image}.`);
    }
    return fail(`A container from ${image} did not start: ${buildError(evidence.run)}`, tail(evidence.run.stderr));
  }
  const healthcheck = healthcheckSchema.safeParse(parseJson(evidence.healthcheck ?? "null"));
  const test = healthcheck.success ? (healthcheck.data?.Test ?? []) : [];
  if (test.length === 0 || test[0] === "NONE") return fail(`${image} has no HEALTHCHECK, so Docker cannot tell whether the app inside works.`);
  const command = test.slice(1).join(" ");
  const [status, exitCode] = (evidence.state ?? "").trim().split(" ");
  if (status && status !== "running") {
    const logs = evidence.logs ? (evidence.logs.stdout + evidence.logs.stderr).trim() : "";
    return fail(`A container from ${image} stopped (exit code ${exitCode}) before its health was known.`, logs ? tail(logs) : undefined);
  }
  const health = healthSchema.safeParse(parseJson(evidence.health ?? "null"));
  if (!health.success) return fail(`Docker reported no health for a container from ${image}.`);
  const last = health.data.Log?.at(-1);
  const said = last ? tellingLine(last.Output.split("\n")) : null;
  const probe = last ? (said ? `: it printed ${quote(said, 120)} (exit code ${last.ExitCode})` : ` (exit code ${last.ExitCode}, no output)`) : "";
  const details = last ? tail(last.Output) : undefined;
  switch (health.data.Status) {
    case "healthy":
      return pass(`A container from ${image} is healthy: \`${command}\` succeeds.`);
    case "unhealthy":
      return fail(`A container from ${image} is unhealthy: its HEALTHCHECK \`${command}\` failed ${health.data.FailingStreak ?? "several"} times in a row${probe}.`, details);
    default:
      return fail(`A container from ${image} was still "${health.data.Status}" after ${spec.startSeconds} s: its HEALTHCHECK \`${command}\` has not succeeded yet${probe}.`, details);
  }
}
