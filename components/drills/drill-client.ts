import type { z } from "zod";
import { attemptViewSchema, drillCheckAnswerSchema, leaderboardSchema, type AttemptView, type DrillCheckAnswer, type Leaderboard } from "@/lib/drills/drill-api";
import { errorBodySchema } from "@/lib/workspace/workspace-api";

/** The browser side of the drill routes: typed calls whose answers are checked before use. */

export function drillApi(drillId: string): string {
  return `/api/drills/${encodeURIComponent(drillId)}`;
}

async function call<S extends z.ZodType>(url: string, schema: S, body?: unknown): Promise<z.infer<S>> {
  let res: Response;
  try {
    res = await fetch(url, body === undefined ? { cache: "no-store" } : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  } catch {
    throw new Error("Could not reach the lab server. Check your connection and try again.");
  }
  const json: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const error = errorBodySchema.safeParse(json);
    throw new Error(error.success ? error.data.error : `The server answered ${res.status}.`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new Error("The server sent an answer the page does not understand; reload the page.");
  return parsed.data;
}

export const startAttempt = (drillId: string): Promise<AttemptView> => call(`${drillApi(drillId)}/attempts`, attemptViewSchema, {});
export const openHint = (drillId: string, attemptId: string): Promise<AttemptView> => call(`${drillApi(drillId)}/hint`, attemptViewSchema, { attemptId });
export const giveUp = (drillId: string, attemptId: string): Promise<AttemptView> => call(`${drillApi(drillId)}/give-up`, attemptViewSchema, { attemptId });
export const checkFix = (drillId: string, attemptId: string): Promise<DrillCheckAnswer> => call(`${drillApi(drillId)}/check`, drillCheckAnswerSchema, { attemptId });
export const fetchLeaderboard = (drillId: string): Promise<Leaderboard> => call(`/api/drills/leaderboard?drill=${encodeURIComponent(drillId)}`, leaderboardSchema);
