import { mkdtempSync, rmSync } from "node:fs";
import type { CommandOutput } from "../../lib/checks/check-result";
import type { CheckSpec } from "../../lib/checks/check-spec";
import type { Chapter } from "../../lib/content/chapter";
import { READ_ONLY_KINDS, runStepChecks } from "../../server/checks/check-runner";
import { CheckChannels, sandboxExec, type SandboxExec } from "../../server/checks/sandbox-exec";
import { loadCourse } from "../../server/content/course";
import { parseConfig } from "../../lib/config";
import { baseStoreOf } from "../../server/sandbox/base-store";
import { createPodmanDriver } from "../../server/sandbox/podman-driver";
import { placeExerciseFiles } from "../../server/workspace/exercise-workspace";

/**
 * Every step of every chapter, in one real sandbox (as one learner does them): the step's solution applied, then its
 * checks run the way the lab runs them after a prompt (runStepChecks through the sandbox's check channel and its
 * engine's socket), and the floor: the same checks through the channel with every question asked as a docker
 * command, each command timed inside the sandbox (bash's $EPOCHREALTIME around it), summed.
 */

export interface Summary {
  p50: number;
  p95: number;
  min: number;
  max: number;
}

export interface StepFigures {
  step: string;
  kinds: string[];
  /** The step's checks build images (build-succeeds, build-cache): its goal is a ratio to those builds. */
  builds: boolean;
  /** Every check of the step only reads (READ_ONLY_KINDS): no build, no container started by the check. */
  read_only: boolean;
  /** The first verdict after the step's solution was applied: nothing the checks keep (PassedChecks) helps it. */
  first_verdict_ms: number;
  runs: number;
  verdict_ms: Summary;
  floor_ms: Summary;
  /** verdict p50 ÷ floor p50. */
  floor_ratio_p50: number;
  /** The same checks through a `podman exec` per command (the lab before issue 12), 2 runs, for comparison; non-building steps only. */
  podman_exec_per_command_p50_ms?: number;
  passed: boolean;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function summary(values: number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const r = (n: number) => Math.round(n * 10) / 10;
  return { p50: r(percentile(sorted, 50)), p95: r(percentile(sorted, 95)), min: r(sorted[0]), max: r(sorted.at(-1)!) };
}

const BUILDING_KINDS = new Set<CheckSpec["kind"]>(["build-succeeds", "build-cache"]);
const ELAPSED = "\n@@layerlab-bench-elapsed ";

/** A SandboxExec without the engine (so every question is a docker command) that times each command inside the sandbox. */
function timedInside(exec: SandboxExec, spent: number[]): SandboxExec {
  const wrapper = `s=$EPOCHREALTIME; "$@"; rc=$?; e=$EPOCHREALTIME; printf '${ELAPSED.replace("\n", "\\n")}%s %s' "$s" "$e" >&2; exit $rc`;
  return {
    exec: async (cmd, opts) => {
      const output = await exec.exec(["bash", "-c", wrapper, "_", ...cmd], opts);
      const at = output.stderr.lastIndexOf(ELAPSED);
      if (at === -1) return output;
      const [s, e] = output.stderr.slice(at + ELAPSED.length).trim().split(" ").map(Number);
      spent.push((e - s) * 1000);
      return { ...output, stderr: output.stderr.slice(0, at) } satisfies CommandOutput;
    },
  };
}

export async function measureSteps(opts: {
  runs: number;
  buildRuns: number;
  stepBudgetMs: number;
  /** No chapter is started after this many seconds (the one under way finishes); the rest are listed as not reached. */
  budgetS: number;
  chapters?: string[];
  log(line: string): void;
}): Promise<{ steps: StepFigures[]; skipped: string[]; wallS: number }> {
  const started = Date.now();
  const course = await loadCourse();
  const diskDir = mkdtempSync("/var/tmp/layerlab-bench-checks-");
  const driver = createPodmanDriver({
    image: process.env.LAYERLAB_SANDBOX_IMAGE ?? "localhost/layerlab/sandbox:latest",
    network: process.env.LAYERLAB_NETWORK ?? "layerlab",
    registry: process.env.LAYERLAB_REGISTRY ?? "10.231.7.2:5000",
    diskDir,
    instance: "bench-checks-steps",
    // As the lab makes them: the course's base images already there.
    baseStore: baseStoreOf(parseConfig(process.env)),
  });
  const { id } = await driver.create({ labels: { "layerlab.bench": "checks" }, limits: { memoryMb: 3072, cpus: 2, pids: 4096, diskMb: 16_384 } });
  const channels = new CheckChannels({ diskDir });
  // Interrupted, the bench still removes its sandbox and its disk, and writes nothing.
  let aborted = false;
  const interrupted = () => {
    aborted = true;
    void driver
      .destroy(id)
      .catch(() => {})
      .finally(() => {
        rmSync(diskDir, { recursive: true, force: true });
        process.exit(130);
      });
  };
  process.once("SIGINT", interrupted).once("SIGTERM", interrupted);
  const steps: StepFigures[] = [];
  const skipped: string[] = [];
  try {
    const docker = await driver.exec(id, ["layerlab-docker-start"], { user: "root", timeoutMs: 90_000 });
    if (docker.exitCode !== 0) throw new Error(`Docker did not start: ${docker.stderr}`);
    const lab = channels.for(id);
    const perExec = sandboxExec(driver, id);
    for (const chapter of course.chapters.filter((c) => !opts.chapters || opts.chapters.includes(c.id))) {
      if (aborted) throw new Error("interrupted");
      if (Date.now() - started > opts.budgetS * 1000) {
        skipped.push(`${chapter.id}: not reached within the bench's ${opts.budgetS} s`);
        continue;
      }
      try {
        await measureChapter(chapter);
      } catch (error) {
        if (aborted) throw error;
        skipped.push(`${chapter.id}: ${error instanceof Error ? error.message.slice(0, 300) : String(error)}`);
        opts.log(`chapter ${chapter.id} skipped: ${skipped.at(-1)}`);
      }
    }

    async function measureChapter(chapter: Chapter): Promise<void> {
      // Containers an earlier chapter's solutions left running hold ports the next chapter needs (8080): removed, as a learner would.
      // rootlesskit lets go of a removed container's published port a moment later: wait until none is held.
      await lab.exec(
        ["sh", "-c", 'ids=$(docker container ls -aq); [ -z "$ids" ] || docker container rm -f $ids >/dev/null; for i in $(seq 50); do ss -Hltnp | grep -q rootlesskit || break; sleep 0.2; done'],
        { timeoutMs: 120_000 },
      );
      await placeExerciseFiles({ driver, sandboxId: id, workdir: chapter.workdir }, chapter.files);
      for (const step of chapter.steps) {
        if (aborted) throw new Error("interrupted");
        const name = `${chapter.id}/${step.id}`;
        const applied = await lab.exec(["bash", "-c", `set -euo pipefail\ncd '${chapter.workdir}'\n${step.solutionScript}`], { timeoutMs: 600_000 });
        if (applied.exitCode !== 0) throw new Error(`${name}: the solution failed: ${applied.stderr.slice(-300)}`);
        const kinds = step.checks.map((c) => c.kind);
        const builds = kinds.some((k) => BUILDING_KINDS.has(k));
        const runs = builds ? opts.buildRuns : opts.runs;
        // The first run after the solution is timed apart (first_verdict_ms): the verdict a learner waits for after the
        // command that made the change. It also opens the channel and warms the page cache and the engine's own.
        const firstStarted = performance.now();
        let last = await runStepChecks(lab, chapter, step);
        const firstVerdictMs = Math.round(performance.now() - firstStarted);
        const verdicts: number[] = [];
        const floors: number[] = [];
        // Slow steps (a container's app starting, a build) stop at STEP_BUDGET_MS once they have 3 runs: the bench stays within minutes.
        const stepStarted = performance.now();
        for (let i = 0; i < runs && (i < 3 || performance.now() - stepStarted < opts.stepBudgetMs); i++) {
          const t = performance.now();
          last = await runStepChecks(lab, chapter, step);
          verdicts.push(performance.now() - t);
          const spent: number[] = [];
          await runStepChecks(timedInside({ exec: lab.exec }, spent), chapter, step);
          floors.push(spent.reduce((a, b) => a + b, 0));
        }
        let podman: number | undefined;
        if (!builds) {
          const times: number[] = [];
          for (let i = 0; i < Math.min(2, verdicts.length); i++) {
            const t = performance.now();
            await runStepChecks(perExec, chapter, step);
            times.push(performance.now() - t);
          }
          podman = Math.round(summary(times).p50);
        }
        const verdict = summary(verdicts);
        const floor = summary(floors);
        const figures: StepFigures = {
          step: name,
          kinds,
          builds,
          read_only: kinds.every((k) => READ_ONLY_KINDS.has(k)),
          first_verdict_ms: firstVerdictMs,
          runs: verdicts.length,
          verdict_ms: verdict,
          floor_ms: floor,
          floor_ratio_p50: Math.round((verdict.p50 / Math.max(floor.p50, 1)) * 100) / 100,
          ...(podman === undefined ? {} : { podman_exec_per_command_p50_ms: podman }),
          passed: last.passed,
        };
        steps.push(figures);
        opts.log(
          `${name.padEnd(36)} verdict p50 ${verdict.p50} p95 ${verdict.p95} ms; floor p50 ${floor.p50} ms (×${figures.floor_ratio_p50})` +
            `${podman === undefined ? "" : `; podman exec per command ${podman} ms`}${builds ? " [builds]" : ""}${last.passed ? "" : " NOT PASSING"}`,
        );
      }
    }
  } finally {
    process.off("SIGINT", interrupted).off("SIGTERM", interrupted);
    channels.closeAll();
    await driver.destroy(id).catch((e) => opts.log(`removing ${id}: ${e}`));
    rmSync(diskDir, { recursive: true, force: true });
  }
  return { steps, skipped, wallS: Math.round((Date.now() - started) / 1000) };
}
