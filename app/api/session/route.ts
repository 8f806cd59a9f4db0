import { signInLearner, signOutLearner } from "@/server/auth/sign-in";
import { withSameOrigin } from "@/server/http/route-guards";

/** A new learner: a display name, a session cookie. Each session can start a sandbox, hence the per-address limit. */
export const POST = withSameOrigin(async ({ lab, request }) => {
  const { learner, cookie } = await signInLearner(lab, request);
  return Response.json({ learner }, { status: 201, headers: { "set-cookie": cookie } });
});

/** The learner signs out: the session ends on the server too. */
export const DELETE = withSameOrigin(async ({ lab, request }) => new Response(null, { status: 204, headers: { "set-cookie": await signOutLearner(lab, request) } }));
