import { z } from "zod";

/** What the server pushes to a learner's open pages (server-sent events). */
const checkResult = z.object({
  id: z.string(),
  title: z.string(),
  status: z.enum(["passed", "failed", "skipped"]),
  message: z.string(),
});

export const stepVerdictViewSchema = z.object({ passed: z.boolean(), checks: z.array(checkResult) });

/** A step's verdict as the learner sees it: each check passed, failed (with why) or skipped. */
export type StepVerdictView = z.infer<typeof stepVerdictViewSchema>;
export type CheckResultView = z.infer<typeof checkResult>;

export const learnerEventSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("checking"), chapterId: z.string(), stepId: z.string() }),
  z.object({ type: z.literal("verdict"), chapterId: z.string(), stepId: z.string(), verdict: stepVerdictViewSchema }),
  z.object({ type: z.literal("message"), text: z.string(), from: z.string() }),
  /** The instructor's message to the whole workshop room. */
  z.object({ type: z.literal("broadcast"), id: z.number(), text: z.string(), from: z.string() }),
  /**
   * The learner's workshop changed what they may open (chapters locked or unlocked: pages refresh), its drill
   * leaderboard changed (shown, hidden, a new score: open boards reload), or it ended.
   */
  z.object({ type: z.literal("room"), change: z.enum(["chapters", "drills", "ended"]) }),
]);

export type LearnerEvent = z.infer<typeof learnerEventSchema>;
