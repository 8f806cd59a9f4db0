import { sessionCookie } from "@/server/auth/learner-session";
import { withSameOrigin } from "@/server/http/route-guards";
import { joinFromRequest } from "@/server/workshop/joining";

/** A learner joins a workshop with a name and its code; a new learner gets a session cookie. */
export const POST = withSameOrigin(async ({ lab, request }) => {
  const joined = await joinFromRequest(lab, request);
  const headers: HeadersInit = joined.session ? { "set-cookie": sessionCookie(joined.session.token, joined.session.expiresAt, lab.config.LAYERLAB_SECURE_COOKIES) } : {};
  return Response.json({ workshop: { title: joined.workshop.title, chapterIds: joined.workshop.chapterIds }, learner: joined.learner }, { headers });
});
