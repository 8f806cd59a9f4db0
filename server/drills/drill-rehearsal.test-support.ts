import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Drill, DrillVariant } from "@/lib/content/drill";
import { coveringVariants } from "@/lib/drills/variant";
import type { ChecksVerdict } from "../checks/check-runner";
import { createTestSandbox, type TestSandbox } from "../checks/sandbox.test-support";
import { drillVariantWith } from "../content/drills";
import { judgeDrill, resetDrillWorkspace } from "./drill-runner";

/**
 * Declares a suite that plays DRILLS in one real sandbox, in a deterministic set of variants holding
 * every value of every variable (coveringVariants): for each, the broken project must fail its named
 * check with its explanation, then the reference fix must pass every check. Between variants the
 * sandbox's containers go, so a port or a name from one never decides the next.
 */
export function rehearseDrills(title: string, drills: Drill[]): void {
  describe(title, () => {
    let sandbox: TestSandbox;

    beforeAll(async () => {
      sandbox = await createTestSandbox();
    });

    afterAll(async () => {
      await sandbox?.destroy();
    });

    for (const [drill, variant] of drills.flatMap((d) => coveringVariants(d.variables).map((values) => [d, drillVariantWith(d, values)] as const))) {
      const values = Object.entries(variant.values).map(([k, v]) => `${k}=${v}`).join(" ");

      it(`${drill.id} (${values}): the broken project fails "${variant.broken.fails}"`, async () => {
        await learner(sandbox, 'ids=$(docker container ls -aq); [ -z "$ids" ] || docker container rm -f $ids >/dev/null', "/home/learner");
        await resetDrillWorkspace({ driver: sandbox.driver, sandboxId: sandbox.id, workdir: drill.workdir }, variant);
        const verdict = await judgeDrill(sandbox, drill, variant);
        console.log(`BROKEN ${drill.id} (${values}):\n${describeVerdict(verdict)}`);
        const outcome = verdict.checks.find((c) => c.id === variant.broken.fails);
        expect(outcome?.status, describeVerdict(verdict)).toBe("failed");
        if (variant.broken.message) expect(outcome?.message).toMatch(new RegExp(variant.broken.message));
      });

      it(`${drill.id} (${values}): the reference fix passes`, async () => {
        await applyFix(sandbox, drill, variant);
        const verdict = await judgeDrill(sandbox, drill, variant);
        console.log(`FIXED ${drill.id} (${values}):\n${describeVerdict(verdict)}`);
        expect(verdict.passed, describeVerdict(verdict)).toBe(true);
      });
    }
  });
}

async function learner(sandbox: TestSandbox, script: string, cwd: string, stdin?: string, args: string[] = []): Promise<void> {
  const result = await sandbox.exec(["bash", "-c", `set -euo pipefail\ncd "$0"\n${script}`, cwd, ...args], { user: "learner", timeoutMs: 600_000, stdin });
  expect(result.exitCode, `${script}\n${result.stdout}\n${result.stderr}`).toBe(0);
}

async function applyFix(sandbox: TestSandbox, drill: Drill, variant: DrillVariant): Promise<void> {
  for (const file of variant.fix) await learner(sandbox, 'mkdir -p "$(dirname "$1")" && cat > "$1"', drill.workdir, file.content, [file.path]);
  if (variant.fixScript) await learner(sandbox, variant.fixScript, drill.workdir);
}

function describeVerdict(verdict: ChecksVerdict): string {
  return verdict.checks.map((c) => `[${c.status}, ${c.durationMs} ms] ${c.title}: ${c.message}${c.details ? `\n${c.details}` : ""}`).join("\n");
}
