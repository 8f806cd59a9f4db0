import { newInstructorSchema } from "@/lib/validations/instructor";
import { setUpAdministrator } from "@/server/auth/instructor-accounts";
import { instructorSessionCookie } from "@/server/auth/instructor-session";
import { readBody, withSameOrigin } from "@/server/http/route-guards";

/** First run only: creates the administrator and signs them in. Once one exists, 409. */
export const POST = withSameOrigin(async ({ lab, request }) => {
  const { instructor, token, expiresAt } = await setUpAdministrator(await readBody(request, newInstructorSchema));
  return Response.json({ instructor }, { status: 201, headers: { "set-cookie": instructorSessionCookie(token, expiresAt, lab.config.LAYERLAB_SECURE_COOKIES) } });
});
