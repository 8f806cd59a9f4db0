import "server-only";
import type { CheckResult } from "@/lib/checks/check-result";
import type { CheckKind, CheckSpec } from "@/lib/checks/check-spec";
import type { Chapter, Step } from "@/lib/content/chapter";
import { buildChecks } from "./build-checks";
import { createCheckSandbox, DockerUnavailableError, SandboxUnreachableError, type Check, type CheckSandbox, type SpecOf } from "./check";
import { containerChecks } from "./container-checks";
import { exportChecks } from "./export-checks";
import { builderChecks } from "./builder-checks";
import { drillProjectChecks } from "./drill-project-checks";
import { imageChecks } from "./image-checks";
import { podmanChecks } from "./podman-checks";
import { runningHealthChecks } from "./running-health-checks";
import { sandboxChecks } from "./sandbox-checks";
import { secretChecks } from "./secret-checks";
import type { SandboxExec } from "./sandbox-exec";

export interface CheckOutcome {
  id: string;
  title: string;
  status: "passed" | "failed" | "skipped";
  message: string;
  details?: string;
  durationMs: number;
}

export interface ChecksVerdict {
  passed: boolean;
  /** One line for the progress record: all passed, or the first failure in the learner's terms. */
  summary: string;
  checks: CheckOutcome[];
  /** ok, or why nothing more could be checked. */
  sandbox: "ok" | "unreachable" | "docker-unavailable";
  durationMs: number;
}

export interface StepVerdict extends ChecksVerdict {
  chapterId: string;
  stepId: string;
}

const checks: { [K in CheckKind]: Check<SpecOf<K>> } = { ...imageChecks, ...buildChecks, ...containerChecks, ...sandboxChecks, ...exportChecks, ...builderChecks, ...runningHealthChecks, ...secretChecks, ...drillProjectChecks, ...podmanChecks };

/**
 * Runs a step's checks in order. The first failure stops the run: later checks usually build on
 * earlier ones (no image, no label), and one clear thing to fix beats a wall of red. Never throws:
 * a dead sandbox or a stopped Docker engine is a verdict too.
 */
export async function runStepChecks(exec: SandboxExec, chapter: Chapter, step: Step): Promise<StepVerdict> {
  return { chapterId: chapter.id, stepId: step.id, ...(await runChecks(exec, chapter.workdir, step.checks, `${chapter.id}/${step.id}`)) };
}

/** Runs SPECS in order in the sandbox, relative paths under WORKDIR; the same rules as a step's checks. LABEL names them in the log. */
export async function runChecks(exec: SandboxExec, workdir: string, specs: CheckSpec[], label: string): Promise<ChecksVerdict> {
  const started = Date.now();
  const sandbox = createCheckSandbox(exec, workdir);
  const outcomes: CheckOutcome[] = [];
  let state: ChecksVerdict["sandbox"] = "ok";
  let blocker: CheckOutcome | undefined;

  const settle = async (spec: CheckSpec): Promise<{ result: CheckResult; state: ChecksVerdict["sandbox"]; durationMs: number }> => {
    const checkStarted = Date.now();
    try {
      return { result: await runCheck(spec, sandbox), state: "ok", durationMs: Date.now() - checkStarted };
    } catch (error) {
      const durationMs = Date.now() - checkStarted;
      if (error instanceof SandboxUnreachableError) {
        return { state: "unreachable", durationMs, result: { passed: false, message: "Your sandbox is not answering, so nothing could be checked. Reload the page to start it again; your files are kept." } };
      }
      if (error instanceof DockerUnavailableError) {
        return { state: "docker-unavailable", durationMs, result: { passed: false, message: "Docker in your sandbox is not answering (it may still be starting). Try again in a few seconds; if it stays like this, reload the page." } };
      }
      console.error(`check ${label}/${spec.id} failed to run:`, error);
      return { state: "ok", durationMs, result: { passed: false, message: `The lab could not run this check: ${error instanceof Error ? error.message : String(error)}` } };
    }
  };
  // The checks up to the first one that may change something only read: they all start at once, so a step of reads
  // takes about as long as its slowest check. Their verdicts are still taken in order (a later one is dropped
  // when an earlier one fails).
  const firstWriter = specs.findIndex((spec) => !READ_ONLY_KINDS.has(spec.kind));
  const ahead = specs.slice(0, firstWriter === -1 ? specs.length : firstWriter).map((spec) => settle(spec));

  for (const [index, spec] of specs.entries()) {
    if (blocker) {
      outcomes.push({ id: spec.id, title: spec.title, status: "skipped", message: `Waiting for: ${blocker.title}`, durationMs: 0 });
      continue;
    }
    const settled = await (ahead[index] ?? settle(spec));
    const result = settled.result;
    if (settled.state !== "ok") state = settled.state;
    const outcome: CheckOutcome = {
      id: spec.id,
      title: spec.title,
      status: result.passed ? "passed" : "failed",
      message: !result.passed && spec.onFail ? `${result.message} ${spec.onFail}` : result.message,
      ...(result.details === undefined ? {} : { details: result.details }),
      durationMs: settled.durationMs,
    };
    outcomes.push(outcome);
    if (!result.passed) blocker = outcome;
  }
  // Checks run ahead and not needed (an earlier one failed) are finished before the verdict, so none outlives the run.
  await Promise.all(ahead);

  const passed = !blocker;
  return {
    passed,
    summary: passed ? `All ${outcomes.length} check${outcomes.length === 1 ? "" : "s"} passed.` : `${blocker!.title}: ${blocker!.message}`,
    checks: outcomes,
    sandbox: state,
    durationMs: Date.now() - started,
  };
}

/** Kinds whose checks only read (files, the engine's state, an HTTP GET): safe to run side by side. */
export const READ_ONLY_KINDS: ReadonlySet<CheckKind> = new Set<CheckKind>([
  "image-exists", "image-label", "image-env", "image-user", "image-exposes", "image-cmd", "image-size",
  "layer-count", "layer-size", "layer-files", "container", "http", "file", "dockerfile", "registry-manifest",
]);

function runCheck(spec: CheckSpec, sandbox: CheckSandbox): Promise<CheckResult> {
  // The map pairs each kind with its own Check; TypeScript cannot follow that pairing through an index.
  return (checks[spec.kind] as Check<CheckSpec>).run(spec, sandbox);
}
