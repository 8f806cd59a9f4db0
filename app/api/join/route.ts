import { joinSchema } from "@/lib/validations/workshop";
import { parseJsonBody } from "@/lib/validations/parse-body";
import { learnerFromCookieHeader, sessionCookie } from "@/server/auth/learner-session";
import { clientAddress, enforceLimit, limiter } from "@/server/auth/rate-limit";
import { HttpError } from "@/server/http/http-error";
import { withSameOrigin } from "@/server/http/route-guards";
import { joinWorkshop } from "@/server/workshop/joining";

/** A learner joins a workshop with a name and its code; a new learner gets a session cookie. */
export const POST = withSameOrigin(async ({ lab, request }) => {
  const address = clientAddress(request);
  const body = await parseJsonBody(request, joinSchema);
  if (!body.ok) {
    // A malformed code is a guess too.
    enforceLimit(limiter("join"), address, "join attempts");
    throw new HttpError(400, body.error);
  }
  const joined = await joinWorkshop({ ...body.data, address, learner: await learnerFromCookieHeader(request.headers.get("cookie")) });
  const headers: HeadersInit = joined.session ? { "set-cookie": sessionCookie(joined.session.token, joined.session.expiresAt, lab.config.LAYERLAB_SECURE_COOKIES) } : {};
  return Response.json({ workshop: { title: joined.workshop.title, chapterIds: joined.workshop.chapterIds }, learner: joined.learner }, { headers });
});
