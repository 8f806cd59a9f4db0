import { parseJsonBody } from "@/lib/validations/parse-body";
import { joinSchema } from "@/lib/validations/workshop";
import { learnerFromCookieHeader, sessionCookie } from "@/server/auth/learner-session";
import { clientAddress, enforceLimit, limiter } from "@/server/auth/rate-limit";
import { assertSameOrigin, jsonRoute } from "@/server/auth/request-guard";
import { joinWorkshop } from "@/server/workshop/joining";
import { errorResponse } from "@/server/http/http-error";
import { getRuntime } from "@/server/runtime";

/** A learner joins a workshop with a name and its code; a new learner gets a session cookie. */
export async function POST(request: Request): Promise<Response> {
  return jsonRoute(async () => {
    assertSameOrigin(request);
    const address = clientAddress(request);
    const body = await parseJsonBody(request, joinSchema);
    if (!body.ok) {
      // A malformed code is a guess too.
      enforceLimit(limiter("join"), address, "join attempts");
      return errorResponse(400, body.error);
    }
    const learner = await learnerFromCookieHeader(request.headers.get("cookie"));
    const joined = await joinWorkshop({ ...body.data, address, learner });
    const headers: HeadersInit = joined.session ? { "set-cookie": sessionCookie(joined.session.token, joined.session.expiresAt, getRuntime().config.LAYERLAB_SECURE_COOKIES) } : {};
    return Response.json(
      { workshop: { title: joined.workshop.title, chapterIds: joined.workshop.chapterIds }, learner: joined.learner },
      { status: 200, headers },
    );
  });
}
