import { z } from "zod";
import { fail, parseJson, pass, quote, type CheckResult, type CommandOutput } from "./check-result";
import { checkBase } from "./spec-fields";

/**
 * The health of a container the learner started, as its HEALTHCHECK reports it, and why: the last probe's exit code and output
 * are what `docker container inspect --format '{{json .State.Health}}'` shows a learner too.
 */

export const runningHealthSpecs = [
  z
    .object({
      ...checkBase,
      kind: z.literal("running-health"),
      /** The learner's container, by name. */
      name: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, "a container name"),
      status: z.enum(["healthy", "unhealthy"]),
      /** How long a container still `starting` is waited for before it is judged. */
      waitSeconds: z.number().int().min(0).max(120).default(30),
    })
    .strict(),
] as const;

export type RunningHealthSpec = z.infer<(typeof runningHealthSpecs)[number]>;

/** Exit code of the wait script when the container does not exist. */
export const RUNNING_HEALTH_NO_CONTAINER = 3;

const probe = z.object({ ExitCode: z.number(), Output: z.string().default("") });
const inspected = z.object({
  State: z.object({
    Status: z.string(),
    ExitCode: z.number().optional(),
    Health: z.object({ Status: z.string(), FailingStreak: z.number().default(0), Log: z.array(probe).nullish() }).nullish(),
  }),
  Config: z.object({
    Image: z.string(),
    Healthcheck: z.object({ Test: z.array(z.string()).nullish() }).nullish(),
  }),
});

/** `docker container inspect NAME`, taken after waiting while its health was `starting`. */
export function judgeRunningHealth(spec: RunningHealthSpec, inspect: CommandOutput): CheckResult {
  const name = spec.name;
  if (inspect.exitCode === RUNNING_HEALTH_NO_CONTAINER || /no such (container|object)/i.test(inspect.stderr)) {
    return fail(`There is no container named ${name}. Start it with \`docker container run -d --name ${name} IMAGE\`.`);
  }
  const parsed = z.array(inspected).safeParse(parseJson(inspect.stdout));
  if (inspect.exitCode !== 0 || !parsed.success || parsed.data.length === 0) {
    return fail(`The lab could not inspect the container ${name}: ${inspect.stderr.trim() || "unreadable output"}`);
  }
  const { State: state, Config: config } = parsed.data[0];
  const test = config.Healthcheck?.Test ?? [];
  if (!state.Health || test[0] === "NONE") {
    return fail(`${name} (from ${config.Image}) has no health check: its image has no HEALTHCHECK${test[0] === "NONE" ? " that is switched on" : ""}, so Docker cannot say whether it is healthy. Rebuild the image, then start the container again.`);
  }
  const health = state.Health;
  const last = health.Log?.at(-1);
  const probeText = describeTest(test);
  const lastSaid = last
    ? `its last probe${probeText} exited ${last.ExitCode}${last.Output.trim() ? ` and printed ${quote(last.Output, 100)}` : " and printed nothing"}`
    : "no probe has finished yet";
  const details = (health.Log ?? []).map((p) => `exit ${p.ExitCode}: ${p.Output.trim().replace(/\s+/g, " ").slice(0, 200)}`).join("\n") || undefined;

  if (state.Status !== "running") {
    return fail(`${name} is ${state.Status}${state.ExitCode !== undefined ? ` (exit code ${state.ExitCode})` : ""}: only a running container has a health. \`docker container logs ${name}\` says why it stopped.`, details);
  }
  if (health.Status === spec.status) {
    const streak = health.Status === "unhealthy" ? ` after ${health.FailingStreak} failed probes in a row` : "";
    return pass(`${name} is ${health.Status}${streak}: ${lastSaid}.`, details);
  }
  if (health.Status === "starting") {
    return fail(`${name} is still starting after ${spec.waitSeconds} s: its health check has not decided yet (${lastSaid}). Is its interval very long?`, details);
  }
  return fail(`${name} is ${health.Status}, not ${spec.status}: ${lastSaid}.`, details);
}

/** ["CMD-SHELL", "wget -q …"] → " (`wget -q …`)": the probe as the Dockerfile wrote it. */
function describeTest(test: string[]): string {
  if (test.length < 2) return "";
  const command = test[0] === "CMD-SHELL" ? test[1] : test.slice(1).join(" ");
  return ` ${quote(command, 60)}`;
}
