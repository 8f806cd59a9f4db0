import { loginSchema } from "@/lib/validations/instructor";
import { signIn } from "@/server/auth/instructor-accounts";
import { clearedInstructorCookie, endInstructorSession, instructorSessionCookie, instructorTokenFromCookieHeader } from "@/server/auth/instructor-session";
import { clientAddress } from "@/server/auth/rate-limit";
import { readBody, withSameOrigin } from "@/server/http/route-guards";

/** Instructor sign-in. */
export const POST = withSameOrigin(async ({ lab, request }) => {
  const body = await readBody(request, loginSchema);
  const { instructor, token, expiresAt } = await signIn(body.username, body.password, clientAddress(request));
  return Response.json({ instructor }, { headers: { "set-cookie": instructorSessionCookie(token, expiresAt, lab.config.LAYERLAB_SECURE_COOKIES) } });
});

/** Sign-out: the session ends on the server too, not only in this browser. */
export const DELETE = withSameOrigin(async ({ lab, request }) => {
  const token = instructorTokenFromCookieHeader(request.headers.get("cookie"));
  if (token) await endInstructorSession(token);
  return new Response(null, { status: 204, headers: { "set-cookie": clearedInstructorCookie(lab.config.LAYERLAB_SECURE_COOKIES) } });
});
