import { exerciseRefSchema } from "@/lib/sandbox-api";
import { readBody, withLearner } from "@/server/http/route-guards";
import { limitSandboxControl } from "@/server/sandbox/sandbox-controls";
import { startOver } from "@/server/sandbox/start-over";

/** "Start over": a fresh sandbox holding the starting files of the exercise the body names; progress is kept. Answers once the files are in place. */
export const POST = withLearner(async ({ lab, learner, request }) => {
  limitSandboxControl(lab, learner.id);
  const ref = await readBody(request, exerciseRefSchema, "Say which chapter or drill to start over: { chapterId } or { drillId }.");
  return Response.json({ fresh: true, ...(await startOver(lab, learner.id, ref)) });
});
