import "server-only";
import type { Drill } from "@/lib/content/drill";
import type { LabRuntime } from "../runtime";
import { placeExerciseFiles } from "../workspace/exercise-workspace";
import { latestAttemptOf } from "./learner-drill";

/**
 * The editor's start for a drill: the sandbox is up (starting the attempt started it) and the latest attempt's
 * files are put back only where missing.
 */
export async function reopenDrill(lab: Pick<LabRuntime, "driver" | "sandboxes">, learnerId: string, drill: Drill) {
  const { variant } = await latestAttemptOf(learnerId, drill);
  const sandbox = await lab.sandboxes.acquire(learnerId);
  return placeExerciseFiles({ driver: lab.driver, sandboxId: sandbox.sandboxId, workdir: drill.workdir }, variant.files);
}
