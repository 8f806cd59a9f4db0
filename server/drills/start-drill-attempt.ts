import "server-only";
import type { Drill } from "@/lib/content/drill";
import type { AttemptView } from "@/lib/drills/drill-api";
import { newSeed } from "@/lib/drills/variant";
import { drillVariant } from "../content/drills";
import { createDrillAttempt } from "../db/drill-attempts";
import { currentWorkshopOf } from "../db/workshops";
import type { LabRuntime } from "../runtime";
import { resetDrillWorkspace } from "./drill-runner";
import { attemptView } from "./learner-drill";

/**
 * Starts a new attempt: a fresh seed (so neighbours get other names and ports), a fresh copy of the broken project
 * in the learner's sandbox, and the clock. An earlier attempt's work in the drill's folder is replaced; that is
 * what "start again" means.
 */
export async function startDrillAttempt(
  lab: Pick<LabRuntime, "driver" | "sandboxes">,
  learnerId: string,
  drill: Drill,
  request: { address: string; signal: AbortSignal },
): Promise<AttemptView> {
  // A start counts against the address's limit; a learner who leaves while the lab is full leaves the line.
  const sandbox = await lab.sandboxes.acquire(learnerId, undefined, request);
  const seed = newSeed();
  const variant = drillVariant(drill, seed);
  await resetDrillWorkspace({ driver: lab.driver, sandboxId: sandbox.sandboxId, workdir: drill.workdir }, variant);
  // The clock starts once the project is in place, not while a cold sandbox was starting.
  const workshop = await currentWorkshopOf(learnerId);
  const attempt = await createDrillAttempt({ learnerId, drillId: drill.id, seed, workshopId: workshop?.id ?? null });
  return attemptView(drill, attempt, variant);
}
