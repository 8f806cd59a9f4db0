import "server-only";
import { LIST_CONTAINERS_COMMAND, parseContainerList, type LearnerContainer } from "@/lib/learner-containers";
import { HttpError } from "../http/http-error";
import type { LabRuntime } from "../runtime";
import type { SandboxDriver } from "./driver";

const LIST_TIMEOUT_MS = 15_000;

/**
 * The containers running in the learner's own sandbox, read as the learner (their Docker). A learner without a
 * running sandbox has none; this never starts one (the page asks while the terminal may still be starting it).
 */
export async function listLearnerContainers(lab: Pick<LabRuntime, "sandboxes" | "driver">, learnerId: string): Promise<LearnerContainer[]> {
  const { sandboxes, driver } = lab;
  const sandboxId = await sandboxes.sandboxOf(learnerId);
  if (!sandboxId) return [];
  return listContainersIn(driver, sandboxId);
}

/** The containers running in one sandbox, read as its learner. */
export async function listContainersIn(driver: SandboxDriver, sandboxId: string): Promise<LearnerContainer[]> {
  const result = await driver.exec(sandboxId, LIST_CONTAINERS_COMMAND, { user: "learner", timeoutMs: LIST_TIMEOUT_MS }).catch(() => null);
  if (!result || result.exitCode !== 0) {
    throw new HttpError(503, "Docker in your sandbox is not answering right now; try again in a moment.", "unavailable");
  }
  return parseContainerList(result.stdout);
}
