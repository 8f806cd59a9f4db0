import "server-only";
import type { Step } from "@/lib/content/chapter";
import type { LayerStack } from "@/lib/layers/layer-stack";
import { stepImage } from "@/lib/layers/step-image";
import { readLearnerLayers } from "../layers/learner-layers";
import type { LabRuntime } from "../runtime";

/** An image id as docker prints it; anything else is ignored (the page then gets the whole picture). */
const IMAGE_ID = /^sha256:[0-9a-f]{64}$/;

/**
 * The layers of the image the step is about, from the learner's own sandbox (the layer view under the checks).
 * `known`: the id the page pictures; the answer is `unchanged` while the image still has it.
 */
export async function readStepLayers(lab: Pick<LabRuntime, "driver" | "sandboxes">, learnerId: string, step: Step, known: string | null): Promise<LayerStack> {
  const image = stepImage(step);
  if (!image) return { state: "none" };
  return readLearnerLayers(lab, learnerId, image, known && IMAGE_ID.test(known) ? known : undefined);
}
