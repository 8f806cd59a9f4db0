import { signInInstructor, signOutInstructor } from "@/server/auth/sign-in";
import { withSameOrigin } from "@/server/http/route-guards";

/** Instructor sign-in. */
export const POST = withSameOrigin(async ({ lab, request }) => {
  const { instructor, cookie } = await signInInstructor(lab, request);
  return Response.json({ instructor }, { headers: { "set-cookie": cookie } });
});

/** Sign-out: the session ends on the server too, not only in this browser. */
export const DELETE = withSameOrigin(async ({ lab, request }) => new Response(null, { status: 204, headers: { "set-cookie": await signOutInstructor(lab, request) } }));
