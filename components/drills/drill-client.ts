import { getJson, sendJson } from "@/components/api-client";
import { attemptViewSchema, drillCheckAnswerSchema, leaderboardSchema, type AttemptView, type DrillCheckAnswer, type Leaderboard } from "@/lib/drills/drill-api";

/** The browser side of the drill routes. */

export function drillApi(drillId: string): string {
  return `/api/drills/${encodeURIComponent(drillId)}`;
}

export const startAttempt = (drillId: string): Promise<AttemptView> => sendJson(`${drillApi(drillId)}/attempts`, {}, attemptViewSchema);
export const openHint = (drillId: string, attemptId: string): Promise<AttemptView> => sendJson(`${drillApi(drillId)}/hint`, { attemptId }, attemptViewSchema);
export const giveUp = (drillId: string, attemptId: string): Promise<AttemptView> => sendJson(`${drillApi(drillId)}/give-up`, { attemptId }, attemptViewSchema);
export const checkFix = (drillId: string, attemptId: string): Promise<DrillCheckAnswer> => sendJson(`${drillApi(drillId)}/check`, { attemptId }, drillCheckAnswerSchema);
export const fetchLeaderboard = (drillId: string): Promise<Leaderboard> => getJson(`/api/drills/leaderboard?drill=${encodeURIComponent(drillId)}`, leaderboardSchema);
