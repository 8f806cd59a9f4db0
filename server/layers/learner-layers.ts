import "server-only";
import { readLayerStack, type LayerStack } from "@/lib/layers/layer-stack";
import { readLayersCommand } from "@/lib/layers/read-layers";
import type { SandboxDriver } from "../sandbox/driver";
import type { LabRuntime } from "../runtime";

/** A first read lists every layer (a Debian base alone takes a second); a slow answer means a busy sandbox. */
const READ_TIMEOUT_MS = 20_000;

/**
 * The layers of `image` in one sandbox, read as its learner (their Docker, their images). With `knownId`, an
 * image still at that id answers `unchanged` after one inspect: the page asks at every prompt.
 */
export async function readImageLayers(driver: SandboxDriver, sandboxId: string, image: string, knownId?: string): Promise<LayerStack> {
  return readLayerStack(image, await driver.exec(sandboxId, readLayersCommand(image, knownId), { user: "learner", timeoutMs: READ_TIMEOUT_MS }));
}

/**
 * The layers of `image` in the learner's own sandbox. A learner at a prompt has a running sandbox: the read goes
 * straight to it (as the checks do), since acquiring makes sure of Docker with an exec of its own. Only when that
 * read fails is the sandbox acquired, which starts what is missing, and read again.
 */
export async function readLearnerLayers(
  { sandboxes, driver }: Pick<LabRuntime, "driver" | "sandboxes">,
  learnerId: string,
  image: string,
  knownId?: string,
): Promise<LayerStack> {
  try {
    const running = await sandboxes.sandboxOf(learnerId);
    if (running) {
      const stack = await readImageLayers(driver, running, image, knownId).catch(() => null);
      if (stack && stack.state !== "unavailable") return stack;
    }
    const { sandboxId } = await sandboxes.acquire(learnerId);
    return await readImageLayers(driver, sandboxId, image, knownId);
  } catch (error) {
    // A sandbox that is gone or restarting is a state of the picture, not a server error: the page says so.
    console.warn(`reading the layers of ${image} for ${learnerId} failed:`, error instanceof Error ? error.message : error);
    return { state: "unavailable", image, message: "Your sandbox is not answering; the layers will show once it is back." };
  }
}
