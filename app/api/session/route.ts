import { startSessionSchema } from "@/lib/validations/session";
import { clearedSessionCookie, endLearnerSession, sessionCookie, sessionTokenFromCookieHeader, startLearnerSession } from "@/server/auth/learner-session";
import { clientAddress, enforceLimit, limiter } from "@/server/auth/rate-limit";
import { readBody, withSameOrigin } from "@/server/http/route-guards";

/** A new learner: a display name, a session cookie. Each session can start a sandbox, hence the per-address limit. */
export const POST = withSameOrigin(async ({ lab, request }) => {
  enforceLimit(limiter("session"), clientAddress(request), "new sessions");
  const { learner, token, expiresAt } = await startLearnerSession((await readBody(request, startSessionSchema)).displayName);
  return Response.json({ learner }, { status: 201, headers: { "set-cookie": sessionCookie(token, expiresAt, lab.config.LAYERLAB_SECURE_COOKIES) } });
});

/** The learner signs out: the session ends on the server too. */
export const DELETE = withSameOrigin(async ({ lab, request }) => {
  const token = sessionTokenFromCookieHeader(request.headers.get("cookie"));
  if (token) await endLearnerSession(token);
  return new Response(null, { status: 204, headers: { "set-cookie": clearedSessionCookie(lab.config.LAYERLAB_SECURE_COOKIES) } });
});
