import { loginSchema } from "@/lib/validations/instructor";
import { parseJsonBody } from "@/lib/validations/parse-body";
import { signIn } from "@/server/auth/instructor-accounts";
import { clearedInstructorCookie, endInstructorSession, instructorSessionCookie, instructorTokenFromCookieHeader } from "@/server/auth/instructor-session";
import { clientAddress } from "@/server/auth/rate-limit";
import { assertSameOrigin, jsonRoute } from "@/server/auth/request-guard";
import { errorResponse } from "@/server/http/http-error";
import { getRuntime } from "@/server/runtime";

/** Instructor sign-in. */
export async function POST(request: Request): Promise<Response> {
  return jsonRoute(async () => {
    assertSameOrigin(request);
    const body = await parseJsonBody(request, loginSchema);
    if (!body.ok) return errorResponse(400, body.error);
    const { instructor, token, expiresAt } = await signIn(body.data.username, body.data.password, clientAddress(request));
    return Response.json({ instructor }, { headers: { "set-cookie": instructorSessionCookie(token, expiresAt, getRuntime().config.LAYERLAB_SECURE_COOKIES) } });
  });
}

/** Sign-out: the session ends on the server too, not only in this browser. */
export async function DELETE(request: Request): Promise<Response> {
  return jsonRoute(async () => {
    assertSameOrigin(request);
    const token = instructorTokenFromCookieHeader(request.headers.get("cookie"));
    if (token) await endInstructorSession(token);
    return new Response(null, { status: 204, headers: { "set-cookie": clearedInstructorCookie(getRuntime().config.LAYERLAB_SECURE_COOKIES) } });
  });
}
