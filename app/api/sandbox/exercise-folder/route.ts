import { exerciseRefSchema } from "@/lib/sandbox-api";
import { NO_STORE, readBody, withLearner } from "@/server/http/route-guards";
import { enterExerciseFolder, shellIsForeground } from "@/server/workspace/enter-exercise-folder";

/** The page of a chapter or drill opened (`{chapterId}` or `{drillId}`): the learner's idle shell moves to its folder. Answers what was done. */
export const POST = withLearner(async ({ lab, learner, request }) => {
  const ref = await readBody(request, exerciseRefSchema, "Say which chapter or drill is open: { chapterId } or { drillId }.");
  return Response.json(await enterExerciseFolder(lab, learner.id, ref));
});

/** Whether the learner's own shell is at the front of their terminal (`{shell: true}`), or a program runs in it. */
export const GET = withLearner(async ({ lab, learner }) => Response.json({ shell: await shellIsForeground(lab, learner.id) }, { headers: NO_STORE }));
