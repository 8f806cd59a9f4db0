import { z } from "zod";
import { checkResultViewSchema } from "../check-result-view";

/** What the drill routes take and answer: validated on both sides of the wire. */

export const attemptRefSchema = z.object({ attemptId: z.uuid() }).strict();
export type AttemptRef = z.infer<typeof attemptRefSchema>;

export const startDrillBodySchema = z.object({}).strict();

export const boardVisibilitySchema = z.object({ visible: z.boolean() }).strict();

const fileSchema = z.object({ path: z.string(), content: z.string() });

export const attemptViewSchema = z.object({
  id: z.string(),
  seed: z.number().int(),
  /** ISO time; the page's clock counts from it (the server's clock decides the score). */
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  passed: z.boolean(),
  gaveUp: z.boolean(),
  score: z.number().int(),
  timeMs: z.number().int().nullable(),
  checkRuns: z.number().int(),
  goal: z.string(),
  workdir: z.string(),
  files: z.array(z.string()),
  hintCount: z.number().int(),
  hints: z.array(z.string()),
  hintCostSeconds: z.number().int(),
  parMinutes: z.number(),
  /** The reference fix, once the attempt is over (given up or passed). */
  fix: z.object({ files: z.array(fileSchema), script: z.string(), notes: z.string() }).nullable(),
});
export type AttemptView = z.infer<typeof attemptViewSchema>;

export const drillCheckAnswerSchema = z.object({ attempt: attemptViewSchema, passed: z.boolean(), checks: z.array(checkResultViewSchema) });
export type DrillCheckAnswer = z.infer<typeof drillCheckAnswerSchema>;

const leaderboardRowSchema = z.object({ displayName: z.string(), drillId: z.string(), score: z.number().int(), timeMs: z.number().int() });

export const leaderboardSchema = z.object({
  /** room: the learner's workshop; everyone: all learners of this lab; hidden: the room's instructor hid it. */
  scope: z.enum(["room", "everyone", "hidden"]),
  rows: z.array(leaderboardRowSchema.extend({ you: z.boolean() })),
});
export type Leaderboard = z.infer<typeof leaderboardSchema>;

/** The room's drill leaderboard as its instructor sees it (always), and whether the room sees it. */
export const roomDrillBoardSchema = z.object({
  visible: z.boolean(),
  rows: z.array(leaderboardRowSchema),
});
export type RoomDrillBoard = z.infer<typeof roomDrillBoardSchema>;
