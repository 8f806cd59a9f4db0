import { z } from "zod";
import { leaderboardFor } from "@/server/drills/drill-leaderboard";
import { HttpError } from "@/server/http/http-error";
import { NO_STORE, withLearner } from "@/server/http/route-guards";

const query = z.object({ drill: z.string().regex(/^[a-z0-9][a-z0-9-]*$/).max(100) });

/** Best score per learner at one drill (?drill=ID), scoped to the learner's room when their workshop plays it. */
export const GET = withLearner(async ({ learner, request }) => {
  const parsed = query.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) throw new HttpError(400, "Say which drill: ?drill= and its id.");
  return Response.json(await leaderboardFor(learner.id, parsed.data.drill), { headers: NO_STORE });
});
