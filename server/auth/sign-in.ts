import "server-only";
import { loginSchema } from "@/lib/validations/instructor";
import { startSessionSchema } from "@/lib/validations/session";
import { readBody } from "../http/route-guards";
import type { LabRuntime } from "../runtime";
import { signIn, type SignedIn } from "./instructor-accounts";
import { clearedInstructorCookie, endInstructorSession, instructorSessionCookie, instructorTokenFromCookieHeader } from "./instructor-session";
import { clearedSessionCookie, endLearnerSession, sessionCookie, sessionTokenFromCookieHeader, startLearnerSession, type LearnerIdentity } from "./learner-session";
import { clientAddress, enforceLimit } from "./rate-limit";

/** Starting and ending the sessions of learners and instructors from their requests: who signed in, and the cookie to set. */

/** A new learner with the display name the body gives. Each session can start a sandbox, hence the per-address limit. */
export async function signInLearner(lab: Pick<LabRuntime, "limits" | "config">, request: Request): Promise<{ learner: LearnerIdentity; cookie: string }> {
  enforceLimit(lab.limits.of("session"), clientAddress(request), "new sessions");
  const { learner, token, expiresAt } = await startLearnerSession((await readBody(request, startSessionSchema)).displayName);
  return { learner, cookie: sessionCookie(token, expiresAt, lab.config.LAYERLAB_SECURE_COOKIES) };
}

/** Ends the learner session the request's cookie names, on the server too; the cookie that clears it in the browser. */
export async function signOutLearner(lab: Pick<LabRuntime, "config">, request: Request): Promise<string> {
  const token = sessionTokenFromCookieHeader(request.headers.get("cookie"));
  if (token) await endLearnerSession(token);
  return clearedSessionCookie(lab.config.LAYERLAB_SECURE_COOKIES);
}

/** Instructor sign-in with the body's username and password, limited per address and per address and username. */
export async function signInInstructor(lab: Pick<LabRuntime, "limits" | "config">, request: Request): Promise<{ instructor: SignedIn["instructor"]; cookie: string }> {
  const body = await readBody(request, loginSchema);
  const { instructor, token, expiresAt } = await signIn(lab.limits, body.username, body.password, clientAddress(request));
  return { instructor, cookie: instructorSessionCookie(token, expiresAt, lab.config.LAYERLAB_SECURE_COOKIES) };
}

/** Ends the instructor session the request's cookie names, not only in this browser; the cookie that clears it. */
export async function signOutInstructor(lab: Pick<LabRuntime, "config">, request: Request): Promise<string> {
  const token = instructorTokenFromCookieHeader(request.headers.get("cookie"));
  if (token) await endInstructorSession(token);
  return clearedInstructorCookie(lab.config.LAYERLAB_SECURE_COOKIES);
}
