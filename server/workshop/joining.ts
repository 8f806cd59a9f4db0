import "server-only";
import { joinSchema } from "@/lib/validations/workshop";
import { parseJsonBody } from "@/lib/validations/parse-body";
import { learnerFromCookieHeader, startLearnerSession, type LearnerIdentity } from "../auth/learner-session";
import { clientAddress, enforceLimit } from "../auth/rate-limit";
import { HttpError } from "../auth/request-guard";
import { addMember, findWorkshopByCode, type Workshop } from "../db/workshops";
import type { LabRuntime } from "../runtime";

export interface Joined {
  workshop: Workshop;
  learner: LearnerIdentity;
  /** Set when a new learner session was started: the route sets it as the session cookie. */
  session?: { token: string; expiresAt: Date };
}

/** Why a code cannot be used right now, in the learner's words; null when it can. */
export function closedReason(workshop: Workshop, now = new Date()): string | null {
  if (workshop.endedAt) return "This workshop has ended.";
  if (now >= workshop.endsAt) return "This workshop is over.";
  // Let people in a little early: a room fills up in the quarter hour before the start.
  if (now.getTime() < workshop.startsAt.getTime() - 30 * 60_000) {
    return `This workshop opens at ${workshop.startsAt.toISOString().slice(11, 16)} UTC on ${workshop.startsAt.toISOString().slice(0, 10)}; join again then.`;
  }
  return null;
}

/**
 * A learner joins with a name and a code. Attempts are rate-limited per address, and failed ones much more
 * strictly, so codes cannot be guessed. A learner already signed in keeps their session (and progress).
 */
export async function joinWorkshop(
  lab: Pick<LabRuntime, "limits" | "roomFeed">,
  input: { code: string; displayName: string; address: string; learner: LearnerIdentity | null },
): Promise<Joined> {
  enforceLimit(lab.limits.of("join"), input.address, "join attempts");
  const failures = lab.limits.of("joinFailure");
  // An address that has used up its wrong guesses waits, whatever code it sends now.
  if (failures.retryAfterMs(input.address) > 0) enforceLimit(failures, input.address, "attempts with a wrong code");
  const refuse = (status: number, message: string): never => {
    failures.take(input.address);
    throw new HttpError(status, message);
  };
  const workshop = await findWorkshopByCode(input.code);
  if (!workshop) return refuse(404, `No workshop has the code ${input.code}. Check it on the projector.`);
  const closed = closedReason(workshop);
  if (closed) return refuse(410, closed);

  let learner = input.learner;
  let session: Joined["session"];
  if (!learner) {
    const started = await startLearnerSession(input.displayName);
    learner = started.learner;
    session = { token: started.token, expiresAt: started.expiresAt };
  }
  const outcome = await addMember(workshop, learner.id);
  if (outcome === "full") throw new HttpError(409, `This workshop is full (${workshop.capacity} seats). Ask your instructor.`);
  // The instructor's room view shows a new member at once.
  if (outcome === "joined") lab.roomFeed.noteLearnerChanged(learner.id);
  return { workshop, learner, session };
}

/** The join form of a request (name and code) from its peer address, by the learner its cookie names if any. */
export async function joinFromRequest(lab: Pick<LabRuntime, "limits" | "roomFeed">, request: Request): Promise<Joined> {
  const address = clientAddress(request);
  const body = await parseJsonBody(request, joinSchema);
  if (!body.ok) {
    // A malformed code is a guess too.
    enforceLimit(lab.limits.of("join"), address, "join attempts");
    throw new HttpError(400, body.error);
  }
  return joinWorkshop(lab, { ...body.data, address, learner: await learnerFromCookieHeader(request.headers.get("cookie")) });
}
