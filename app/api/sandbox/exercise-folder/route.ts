import { parseJsonBody } from "@/lib/validations/parse-body";
import { HttpError, jsonRoute, requireLearner } from "@/server/auth/request-guard";
import { exerciseRefSchema } from "@/server/sandbox/sandbox-controls";
import { enterExerciseFolder, shellIsForeground } from "@/server/workspace/enter-exercise-folder";

/**
 * The page of a chapter or drill opened (`{chapterId}` or `{drillId}`): the learner's shell moves to its folder when
 * it is idle at a prompt. Answers what was done: `{action: "move", typed}` or `{action: "stay", why}`.
 */
export async function POST(request: Request) {
  return jsonRoute(async () => {
    const learner = await requireLearner(request);
    const body = await parseJsonBody(request, exerciseRefSchema);
    if (!body.ok) throw new HttpError(400, "Say which chapter or drill is open: { chapterId } or { drillId }.");
    return Response.json(await enterExerciseFolder(learner.id, body.data));
  });
}

/** Whether the learner's own shell is at the front of their terminal (`{shell: true}`), or a program runs in it. */
export async function GET(request: Request) {
  return jsonRoute(async () => {
    const learner = await requireLearner(request);
    return Response.json({ shell: await shellIsForeground(learner.id) }, { headers: { "cache-control": "no-store" } });
  });
}
