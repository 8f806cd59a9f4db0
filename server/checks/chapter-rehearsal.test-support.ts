import "server-only";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Chapter } from "@/lib/content/chapter";
import { loadCourse } from "../content/course";
import { placeExerciseFiles } from "../workspace/exercise-workspace";
import { runStepChecks, type StepVerdict } from "./check-runner";
import { createTestSandbox, type TestSandbox } from "./sandbox.test-support";

// vitest collects tests synchronously, so the course is read before any suite is declared.
const course = await loadCourse();

/**
 * The integration test of one chapter, in one real sandbox: for each step in order, the wrong
 * answer must make its named check fail with its explanation, then the solution must make every
 * check pass. Steps build on each other, as they do for a learner.
 */
export function rehearseChapter(chapterId: string): void {
  const chapter = course.chapters.find((c) => c.id === chapterId);
  if (!chapter) throw new Error(`There is no chapter ${chapterId} in content/.`);

  describe(`chapter ${chapter.order} (${chapter.id})`, () => {
    let sandbox: TestSandbox;

    beforeAll(async () => {
      sandbox = await createTestSandbox();
      const { placed } = await placeExerciseFiles({ driver: sandbox.driver, sandboxId: sandbox.id, workdir: chapter.workdir }, chapter.files);
      expect(placed).toEqual(chapter.files.map((f) => f.path));
    });

    afterAll(async () => {
      await sandbox?.destroy();
    });

    for (const [index, step] of chapter.steps.entries()) {
      it(`${index + 1}. ${step.id}: the wrong answer fails "${step.wrongAnswer.fails}"`, async () => {
        await applyScript(sandbox, chapter, step.wrongAnswer.script, "wrong answer");
        const verdict = await runStepChecks(sandbox, chapter, step);
        console.log(`WRONG ${step.id}:\n${describeVerdict(verdict)}`);
        const outcome = verdict.checks.find((c) => c.id === step.wrongAnswer.fails);
        expect(outcome?.status, describeVerdict(verdict)).toBe("failed");
        if (step.wrongAnswer.message) expect(outcome?.message).toMatch(new RegExp(step.wrongAnswer.message));
      });

      it(`${index + 1}. ${step.id}: the solution passes every check`, async () => {
        await applyScript(sandbox, chapter, step.solutionScript, "solution");
        const verdict = await runStepChecks(sandbox, chapter, step);
        console.log(`RIGHT ${step.id}:\n${describeVerdict(verdict)}`);
        expect(verdict.passed, describeVerdict(verdict)).toBe(true);
      });
    }
  });
}

async function applyScript(sandbox: TestSandbox, chapter: Chapter, script: string, what: string): Promise<void> {
  const result = await sandbox.exec(["bash", "-c", `set -euo pipefail\ncd '${chapter.workdir}'\n${script}`], { user: "learner", timeoutMs: 600_000 });
  expect(result.exitCode, `${what} script failed:\n${result.stdout}\n${result.stderr}`).toBe(0);
}

function describeVerdict(verdict: StepVerdict): string {
  return verdict.checks.map((c) => `[${c.status}] ${c.title}: ${c.message}${c.details ? `\n${c.details}` : ""}`).join("\n");
}
