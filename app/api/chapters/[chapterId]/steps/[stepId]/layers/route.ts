import { readStepLayers } from "@/server/chapters/read-step-layers";
import { NO_STORE, withLearnerStep } from "@/server/http/route-guards";

/** The layers of the image the step is about, from the learner's own sandbox; `?known=<image id>`: `unchanged` while it still has it. */
export const GET = withLearnerStep(async ({ lab, learner, step, request }) => {
  const stack = await readStepLayers(lab, learner.id, step, new URL(request.url).searchParams.get("known"));
  // Every build changes the answer: never from a cache.
  return Response.json(stack, { headers: NO_STORE });
});
