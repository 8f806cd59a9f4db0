import "server-only";
import { cookies } from "next/headers";
import { HttpError } from "../http/http-error";
import { learnerFromCookieHeader, learnerFromToken, SESSION_COOKIE, type LearnerIdentity } from "./learner-session";

// HttpError and jsonRoute live in the HTTP edge (server/http/); this module is where route handlers and use cases
// have always found them.
export { HttpError, jsonRoute } from "../http/http-error";

/** The learner behind the current request in a server component, or null for a visitor. */
export async function currentLearner(): Promise<LearnerIdentity | null> {
  const store = await cookies();
  return learnerFromToken(store.get(SESSION_COOKIE)?.value);
}

/**
 * The signed-in learner of a request, or an HttpError 401 (the route guards have checked its origin first). The
 * session is read from the request itself (as currentInstructor(request) does), so routes also run outside Next's
 * request scope.
 */
export async function requireLearner(request: Request): Promise<LearnerIdentity> {
  const learner = await learnerFromCookieHeader(request.headers.get("cookie"));
  if (!learner) throw new HttpError(401, "Start a session first: enter a display name on the home page.");
  return learner;
}
