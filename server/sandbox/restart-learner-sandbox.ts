import "server-only";
import type { SandboxActor } from "@/lib/learner-events";
import { HttpError } from "../http/http-error";
import { announced, requireSandboxOf, type SandboxControlLab } from "./sandbox-controls";

/**
 * Restarts the learner's sandbox with its home disk: their files, images and build cache stay; processes,
 * containers they ran and /tmp (memory) do not. The way out of a sandbox wedged by memory or processes.
 */
export async function restartLearnerSandbox(lab: SandboxControlLab, learnerId: string, by: SandboxActor = { kind: "learner" }): Promise<void> {
  await requireSandboxOf(lab, learnerId);
  await announced(lab, learnerId, by, { start: "restarting", done: "restarted" }, async (letGoOfTerminal) => {
    const restarted = await lab.sandboxes.restart(learnerId, undefined, { beforeStop: letGoOfTerminal });
    if (!restarted) throw new HttpError(409, "Your sandbox was removed meanwhile; open a chapter or a drill and a new one starts for you.", "conflict");
  });
}
