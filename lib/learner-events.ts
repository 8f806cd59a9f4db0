import { z } from "zod";

import { checkResultViewSchema, type CheckResultView } from "./check-result-view";

/** What the server pushes to a learner's open pages (server-sent events). */

export const stepVerdictViewSchema = z.object({ passed: z.boolean(), checks: z.array(checkResultViewSchema) });

/** A step's verdict as the learner sees it: each check passed, failed (with why) or skipped. */
export type StepVerdictView = z.infer<typeof stepVerdictViewSchema>;
export type { CheckResultView };

/** Who restarted or replaced a learner's sandbox: the learner themselves, or their instructor (by name). */
export const sandboxActorSchema = z.discriminatedUnion("kind", [z.object({ kind: z.literal("learner") }), z.object({ kind: z.literal("instructor"), name: z.string() })]);
export type SandboxActor = z.infer<typeof sandboxActorSchema>;

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
  /**
   * The lab put the learner's sandbox right by itself (Docker dead, the sandbox killed or wedged by memory or
   * processes, its container removed and made again on its disk, or beyond repair and replaced): what happened
   * and what was done, in one sentence for the page.
   */
  z.object({
    type: z.literal("recovery"),
    fault: z.enum(["stopped", "docker", "memory", "processes", "unresponsive", "removed", "gone"]),
    action: z.enum(["started", "restarted", "docker-restarted", "recreated", "replaced"]),
    message: z.string(),
  }),
  /**
   * The learner's sandbox is being restarted (files, images and build cache kept) or replaced by a fresh one
   * (start over), by the learner or by their instructor; then it is done, or it failed (`error` says why).
   * Pages pause their file polls meanwhile and, after a replacement, put the exercise files back and reload them.
   */
  z.object({
    type: z.literal("sandbox"),
    change: z.enum(["restarting", "restarted", "replacing", "replaced", "failed"]),
    by: sandboxActorSchema,
    error: z.string().optional(),
  }),
]);

export type LearnerEvent = z.infer<typeof learnerEventSchema>;

/** A sandbox event, for the code that reacts to one. */
export type SandboxEvent = Extract<LearnerEvent, { type: "sandbox" }>;
