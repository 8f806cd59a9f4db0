import "server-only";
import { historyCommand, readLayerStack, type LayerStack } from "@/lib/layers/layer-stack";
import { getRuntime } from "../runtime";

/** History of one image is quick; a slow answer means a busy sandbox, and the view can wait for the next build. */
const HISTORY_TIMEOUT_MS = 15_000;

/** The layers of `image` in the learner's own sandbox, read as the learner (their Docker, their images). */
export async function readLearnerLayers(learnerId: string, image: string): Promise<LayerStack> {
  const { sandboxes, driver } = getRuntime();
  try {
    const { sandboxId } = await sandboxes.acquire(learnerId);
    return readLayerStack(image, await driver.exec(sandboxId, historyCommand(image), { user: "learner", timeoutMs: HISTORY_TIMEOUT_MS }));
  } catch (error) {
    // A sandbox that is gone or restarting is a state of the picture, not a server error: the page says so.
    console.warn(`reading the layers of ${image} for ${learnerId} failed:`, error instanceof Error ? error.message : error);
    return { state: "unavailable", image, message: "Your sandbox is not answering; the layers will show once it is back." };
  }
}
