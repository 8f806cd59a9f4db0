import "server-only";
import type { CheckResult } from "@/lib/checks/check-result";
import type { CheckKind, CheckSpec } from "@/lib/checks/check-spec";
import type { Chapter, Step } from "@/lib/content/chapter";
import { buildChecks } from "./build-checks";
import { createCheckSandbox, DockerUnavailableError, SandboxUnreachableError, type Check, type CheckSandbox, type SpecOf } from "./check";
import { containerChecks } from "./container-checks";
import { drillProjectChecks } from "./drill-project-checks";
import { exportChecks } from "./export-checks";
import { builderChecks } from "./builder-checks";
import { imageChecks } from "./image-checks";
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

const checks: { [K in CheckKind]: Check<SpecOf<K>> } = { ...imageChecks, ...buildChecks, ...containerChecks, ...sandboxChecks, ...exportChecks, ...builderChecks, ...runningHealthChecks, ...secretChecks, ...drillProjectChecks };

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
  sandbox.prefetch(leadingEngineQueries(specs));

  for (const spec of specs) {
    if (blocker) {
      outcomes.push({ id: spec.id, title: spec.title, status: "skipped", message: `Waiting for: ${blocker.title}`, durationMs: 0 });
      continue;
    }
    const checkStarted = Date.now();
    let result: CheckResult;
    try {
      result = await runCheck(spec, sandbox);
    } catch (error) {
      if (error instanceof SandboxUnreachableError) {
        state = "unreachable";
        result = { passed: false, message: "Your sandbox is not answering, so nothing could be checked. Reload the page to start it again; your files are kept." };
      } else if (error instanceof DockerUnavailableError) {
        state = "docker-unavailable";
        result = { passed: false, message: "Docker in your sandbox is not answering (it may still be starting). Try again in a few seconds; if it stays like this, reload the page." };
      } else {
        console.error(`check ${label}/${spec.id} failed to run:`, error);
        result = { passed: false, message: `The lab could not run this check: ${error instanceof Error ? error.message : String(error)}` };
      }
    }
    const outcome: CheckOutcome = {
      id: spec.id,
      title: spec.title,
      status: result.passed ? "passed" : "failed",
      message: !result.passed && spec.onFail ? `${result.message} ${spec.onFail}` : result.message,
      ...(result.details === undefined ? {} : { details: result.details }),
      durationMs: Date.now() - checkStarted,
    };
    outcomes.push(outcome);
    if (!result.passed) blocker = outcome;
  }

  const passed = !blocker;
  return {
    passed,
    summary: passed ? `All ${outcomes.length} check${outcomes.length === 1 ? "" : "s"} passed.` : `${blocker!.title}: ${blocker!.message}`,
    checks: outcomes,
    sandbox: state,
    durationMs: Date.now() - started,
  };
}

/**
 * The engine questions of the checks up to the first one that runs a command (which may change what the engine
 * would answer): asked at once and in parallel, so a step of reads costs about one answer's time.
 */
function leadingEngineQueries(specs: CheckSpec[]): string[][] {
  const queries: string[][] = [];
  for (const spec of specs) {
    switch (spec.kind) {
      case "image-exists":
      case "image-label":
      case "image-env":
      case "image-user":
      case "image-exposes":
      case "image-cmd":
      case "layer-count":
        queries.push(["image", "inspect", spec.image]);
        break;
      case "image-size":
        queries.push(["image", "inspect", spec.image], ["image", "ls", "--format", "json", spec.image]);
        break;
      case "layer-size":
        queries.push(["image", "inspect", spec.image], ["image", "history", "--no-trunc", "--human=false", "--format", "json", spec.image]);
        break;
      case "container":
        queries.push(["container", "ls", "-aq"], ...(spec.image ? [["image", "inspect", "--format", "{{.Id}}", spec.image]] : []));
        break;
      case "layer-files":
        // Its inspect is a read; what follows reads the learner's files.
        return [...queries, ["image", "inspect", spec.image]];
      default:
        return queries;
    }
  }
  return queries;
}

function runCheck(spec: CheckSpec, sandbox: CheckSandbox): Promise<CheckResult> {
  // The map pairs each kind with its own Check; TypeScript cannot follow that pairing through an index.
  return (checks[spec.kind] as Check<CheckSpec>).run(spec, sandbox);
}
