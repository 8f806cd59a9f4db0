import { jsonRoute, requireLearner } from "@/server/auth/request-guard";
import { findStep } from "@/server/content/step-lookup";
import { readLearnerLayers } from "@/server/layers/learner-layers";
import type { LayerStack } from "@/lib/layers/layer-stack";
import { stepImage } from "@/lib/layers/step-image";
import { assertChapterOpen } from "@/server/workshop/chapter-access";

/** An image id as docker prints it; anything else is ignored (the page then gets the whole picture). */
const IMAGE_ID = /^sha256:[0-9a-f]{64}$/;

/**
 * The layers of the image the step is about, from the learner's own sandbox (the layer view under the checks).
 * `?known=<image id>`: the id the page pictures; the answer is `unchanged` while the image still has it.
 */
export async function GET(request: Request, { params }: { params: Promise<{ chapterId: string; stepId: string }> }) {
  return jsonRoute(async () => {
    const learner = await requireLearner(request);
    const { chapterId, stepId } = await params;
    const { step } = await findStep(chapterId, stepId);
    await assertChapterOpen(learner.id, chapterId);
    const image = stepImage(step);
    const known = new URL(request.url).searchParams.get("known") ?? "";
    const stack: LayerStack = image ? await readLearnerLayers(learner.id, image, IMAGE_ID.test(known) ? known : undefined) : { state: "none" };
    // Every build changes the answer: never from a cache.
    return Response.json(stack, { headers: { "cache-control": "no-store" } });
  });
}
