import "server-only";
import type { Drill, DrillVariant } from "@/lib/content/drill";
import { runChecks, type ChecksVerdict } from "../checks/check-runner";
import type { SandboxExec } from "../checks/sandbox-exec";
import { placeExerciseFiles, type ExerciseFolder } from "../workspace/exercise-workspace";

/**
 * Judges a drill attempt: the variant's checks build the learner's project as it is in the sandbox
 * now (tagging the image the later checks run), then start containers and probe them. The text of
 * the Dockerfile alone never decides.
 */
export function judgeDrill(exec: SandboxExec, drill: Drill, variant: DrillVariant): Promise<ChecksVerdict> {
  return runChecks(exec, drill.workdir, variant.checks, `drill ${drill.id}#${variant.seed}`);
}

/**
 * A fresh project for a new attempt: the drill's folder is emptied and the variant's broken files put
 * in. Only this drill's folder is touched; the learner's chapters and other drills stay as they are.
 */
export async function resetDrillWorkspace(folder: ExerciseFolder, variant: DrillVariant): Promise<void> {
  const cleared = await folder.driver.exec(folder.sandboxId, ["bash", "-c", 'rm -rf -- "$1" && mkdir -p -- "$1"', "_", folder.workdir], { user: "learner", timeoutMs: 20_000 });
  if (cleared.exitCode !== 0) throw new Error(`Could not clear ${folder.workdir}: ${cleared.stderr.trim()}`);
  await placeExerciseFiles(folder, variant.files);
}

/** The files the editor offers: the project's, and any the reference fix adds (a file the learner must create). */
export function editableFiles(variant: DrillVariant): string[] {
  return [...new Set([...variant.files.map((f) => f.path), ...variant.fix.map((f) => f.path)])];
}
