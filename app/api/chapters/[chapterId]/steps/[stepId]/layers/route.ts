import { jsonRoute, requireLearner } from "@/server/auth/request-guard";
import { findStep } from "@/server/content/step-lookup";
import { readLearnerLayers } from "@/server/layers/learner-layers";
import type { LayerStack } from "@/lib/layers/layer-stack";
import { stepImage } from "@/lib/layers/step-image";
import { assertChapterOpen } from "@/server/workshop/chapter-access";

/** The layers of the image the step is about, from the learner's own sandbox (the layer view under the checks). */
export async function GET(request: Request, { params }: { params: Promise<{ chapterId: string; stepId: string }> }) {
  return jsonRoute(async () => {
    const learner = await requireLearner(request);
    const { chapterId, stepId } = await params;
    const { step } = await findStep(chapterId, stepId);
    await assertChapterOpen(learner.id, chapterId);
    const image = stepImage(step);
    const stack: LayerStack = image ? await readLearnerLayers(learner.id, image) : { state: "none" };
    // Every build changes the answer: never from a cache.
    return Response.json(stack, { headers: { "cache-control": "no-store" } });
  });
}
