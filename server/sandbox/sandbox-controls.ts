import "server-only";
import type { SandboxActor } from "@/lib/learner-events";
import { exerciseRefSchema, type ExerciseRef } from "@/lib/sandbox-api";
import { HttpError } from "../http/http-error";
import type { LabRuntime } from "../runtime";

/**
 * What restarting and replacing a learner's sandbox share, whoever asks (the learner's own buttons, their
 * instructor): the learner's open pages hear it start and end on the event stream, and the terminal lets go of
 * the shell first, so its tabs reconnect by themselves instead of saying the sandbox stopped.
 */


/** The exercise a GET names in its query (`?chapterId=` or `?drillId=`), or a 400. */
export function exerciseRefFromQuery(request: Request): ExerciseRef {
  const query = new URL(request.url).searchParams;
  const ref = exerciseRefSchema.safeParse(query.has("chapterId") ? { chapterId: query.get("chapterId") } : { drillId: query.get("drillId") });
  if (!ref.success) throw new HttpError(400, "Say which chapter or drill is open: ?chapterId= or ?drillId=.");
  return ref.data;
}

/** What restarting or replacing a sandbox needs of the lab: the sandboxes, the terminals to let go, the events to tell. */
export type SandboxControlLab = Pick<LabRuntime, "sandboxes" | "terminals" | "events">;

/**
 * A learner's restarts and fresh starts, per learner: a burst of 4, then one more every 30 s. Each one stops
 * their shell and Docker for seconds; a stuck learner needs one or two, a script hammering the button none.
 */
export function limitSandboxControl(lab: Pick<LabRuntime, "limits">, learnerId: string): void {
  const limits = lab.limits.of("sandboxControl");
  if (limits.take(learnerId)) return;
  const seconds = Math.max(1, Math.ceil(limits.retryAfterMs(learnerId) / 1000));
  throw new HttpError(429, `You restarted your sandbox several times just now. Wait ${seconds} s and try again.`, "rate_limited", { "retry-after": String(seconds) });
}

/** The learner has no sandbox to restart or replace (they never started one, or it was removed). */
export async function requireSandboxOf(lab: Pick<LabRuntime, "sandboxes">, learnerId: string): Promise<void> {
  if (!(await lab.sandboxes.sandboxOf(learnerId))) {
    throw new HttpError(409, "You have no sandbox right now; open a chapter or a drill and one starts for you.", "conflict");
  }
}

/**
 * Runs `work` (the restart or the replacement) between the learner's "started" and "done" events; a failure is
 * told to their pages too, and thrown on for the route to answer.
 */
export async function announced<T>(
  lab: Pick<LabRuntime, "terminals" | "events">,
  learnerId: string,
  by: SandboxActor,
  changes: { start: "restarting" | "replacing"; done: "restarted" | "replaced" },
  work: (letGoOfTerminal: () => Promise<void>) => Promise<T>,
): Promise<T> {
  const { terminals, events } = lab;
  events.publish(learnerId, { type: "sandbox", change: changes.start, by });
  try {
    const result = await work(() => terminals.letGo(learnerId));
    events.publish(learnerId, { type: "sandbox", change: changes.done, by });
    return result;
  } catch (error) {
    const message = error instanceof HttpError ? error.message : "the lab's log has the details; try again, and tell your instructor if it keeps failing";
    events.publish(learnerId, { type: "sandbox", change: "failed", by, error: message });
    throw error;
  }
}
