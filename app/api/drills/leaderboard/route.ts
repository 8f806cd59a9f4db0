import { z } from "zod";
import { HttpError, jsonRoute, requireLearner } from "@/server/auth/request-guard";
import { leaderboardFor } from "@/server/drills/drill-leaderboard";

const query = z.object({ drill: z.string().regex(/^[a-z0-9][a-z0-9-]*$/).max(100) });

/** Best score per learner at one drill (?drill=ID), scoped to the learner's room when their workshop plays it. */
export async function GET(request: Request) {
  return jsonRoute(async () => {
    const learner = await requireLearner(request);
    const parsed = query.safeParse(Object.fromEntries(new URL(request.url).searchParams));
    if (!parsed.success) throw new HttpError(400, "Say which drill: ?drill= and its id.");
    return Response.json(await leaderboardFor(learner.id, parsed.data.drill), { headers: { "cache-control": "no-store" } });
  });
}
