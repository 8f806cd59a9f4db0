import { cookies } from "next/headers";
import { startSessionSchema } from "@/lib/validations/session";
import { parseJsonBody } from "@/lib/validations/parse-body";
import { endLearnerSession, SESSION_COOKIE, sessionCookie, startLearnerSession } from "@/server/auth/learner-session";
import { assertSameOrigin, jsonRoute } from "@/server/auth/request-guard";

export async function POST(request: Request): Promise<Response> {
  return jsonRoute(async () => {
    assertSameOrigin(request);
    const body = await parseJsonBody(request, startSessionSchema);
    if (!body.ok) return Response.json({ error: body.error }, { status: 400 });
    const { learner, token, expiresAt } = await startLearnerSession(body.data.displayName);
    const secure = process.env.LAYERLAB_SECURE_COOKIES === "1" || process.env.LAYERLAB_SECURE_COOKIES === "true";
    return Response.json({ learner }, { status: 201, headers: { "set-cookie": sessionCookie(token, expiresAt, secure) } });
  });
}

export async function DELETE(request: Request): Promise<Response> {
  return jsonRoute(async () => {
    assertSameOrigin(request);
    const token = (await cookies()).get(SESSION_COOKIE)?.value;
    if (token) await endLearnerSession(token);
    return new Response(null, { status: 204, headers: { "set-cookie": `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0` } });
  });
}
