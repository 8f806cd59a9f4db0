import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Drill, DrillVariant } from "@/lib/content/drill";
import { newSeed } from "@/lib/drills/variant";
import type { ChecksVerdict } from "../checks/check-runner";
import { createTestSandbox, type TestSandbox } from "../checks/sandbox.test-support";
import { drillVariant, loadDrills } from "../content/drills";
import { judgeDrill, resetDrillWorkspace } from "./drill-runner";

// vitest collects tests synchronously, so the drills are read before any suite is declared.
const drills = await loadDrills();
// A random non-default variant each run (seed 0 is the drill as written); LAYERLAB_DRILL_SEED replays one.
const seed = Number(process.env.LAYERLAB_DRILL_SEED ?? newSeed() + 1);

/**
 * Every drill, in one real sandbox: the broken project must fail its named check with its
 * explanation, and the reference fix must pass every check. Between drills the sandbox's
 * containers go, so a port or a name from one drill never decides the next.
 */
describe(`drills (seed ${seed})`, () => {
  let sandbox: TestSandbox;

  beforeAll(async () => {
    sandbox = await createTestSandbox();
  });

  afterAll(async () => {
    await sandbox?.destroy();
  });

  for (const drill of drills) {
    const variant = drillVariant(drill, seed);
    const values = Object.entries(variant.values).map(([k, v]) => `${k}=${v}`).join(" ");

    it(`${drill.id} (${values}): the broken project fails "${variant.broken.fails}"`, async () => {
      await learner(sandbox, 'ids=$(docker container ls -aq); [ -z "$ids" ] || docker container rm -f $ids >/dev/null', "/home/learner");
      await resetDrillWorkspace({ driver: sandbox.driver, sandboxId: sandbox.id, workdir: drill.workdir }, variant);
      const verdict = await judgeDrill(sandbox, drill, variant);
      console.log(`BROKEN ${drill.id}:\n${describeVerdict(verdict)}`);
      const outcome = verdict.checks.find((c) => c.id === variant.broken.fails);
      expect(outcome?.status, describeVerdict(verdict)).toBe("failed");
      if (variant.broken.message) expect(outcome?.message).toMatch(new RegExp(variant.broken.message));
    });

    it(`${drill.id} (${values}): the reference fix passes`, async () => {
      await applyFix(sandbox, drill, variant);
      const verdict = await judgeDrill(sandbox, drill, variant);
      console.log(`FIXED ${drill.id}:\n${describeVerdict(verdict)}`);
      expect(verdict.passed, describeVerdict(verdict)).toBe(true);
    });
  }
});

async function learner(sandbox: TestSandbox, script: string, cwd: string, stdin?: string, args: string[] = []): Promise<void> {
  const result = await sandbox.exec(["bash", "-c", `set -euo pipefail\ncd "$0"\n${script}`, cwd, ...args], { user: "learner", timeoutMs: 600_000, stdin });
  expect(result.exitCode, `${script}\n${result.stdout}\n${result.stderr}`).toBe(0);
}

async function applyFix(sandbox: TestSandbox, drill: Drill, variant: DrillVariant): Promise<void> {
  for (const file of variant.fix) await learner(sandbox, 'mkdir -p "$(dirname "$1")" && cat > "$1"', drill.workdir, file.content, [file.path]);
  if (variant.fixScript) await learner(sandbox, variant.fixScript, drill.workdir);
}

function describeVerdict(verdict: ChecksVerdict): string {
  return verdict.checks.map((c) => `[${c.status}] ${c.title}: ${c.message}${c.details ? `\n${c.details}` : ""}`).join("\n");
}
