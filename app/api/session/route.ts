import { startSessionSchema } from "@/lib/validations/session";
import { parseJsonBody } from "@/lib/validations/parse-body";
import { clearedSessionCookie, endLearnerSession, sessionCookie, sessionTokenFromCookieHeader, startLearnerSession } from "@/server/auth/learner-session";
import { clientAddress, enforceLimit, limiter } from "@/server/auth/rate-limit";
import { assertSameOrigin } from "@/server/auth/request-guard";
import { errorResponse, jsonRoute } from "@/server/http/http-error";
import { getRuntime } from "@/server/runtime";

/** A new learner: a display name, a session cookie. Each session can start a sandbox, hence the per-address limit. */
export async function POST(request: Request): Promise<Response> {
  return jsonRoute(async () => {
    assertSameOrigin(request);
    enforceLimit(limiter("session"), clientAddress(request), "new sessions");
    const body = await parseJsonBody(request, startSessionSchema);
    if (!body.ok) return errorResponse(400, body.error);
    const { learner, token, expiresAt } = await startLearnerSession(body.data.displayName);
    const secure = getRuntime().config.LAYERLAB_SECURE_COOKIES;
    return Response.json({ learner }, { status: 201, headers: { "set-cookie": sessionCookie(token, expiresAt, secure) } });
  });
}

export async function DELETE(request: Request): Promise<Response> {
  return jsonRoute(async () => {
    assertSameOrigin(request);
    const token = sessionTokenFromCookieHeader(request.headers.get("cookie"));
    if (token) await endLearnerSession(token);
    return new Response(null, { status: 204, headers: { "set-cookie": clearedSessionCookie(getRuntime().config.LAYERLAB_SECURE_COOKIES) } });
  });
}
