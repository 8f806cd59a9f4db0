import { newInstructorSchema } from "@/lib/validations/instructor";
import { parseJsonBody } from "@/lib/validations/parse-body";
import { setUpAdministrator } from "@/server/auth/instructor-accounts";
import { instructorSessionCookie } from "@/server/auth/instructor-session";
import { assertSameOrigin, jsonRoute } from "@/server/auth/request-guard";
import { errorResponse } from "@/server/http/http-error";
import { getRuntime } from "@/server/runtime";

/** First run only: creates the administrator and signs them in. Once one exists, 409. */
export async function POST(request: Request): Promise<Response> {
  return jsonRoute(async () => {
    assertSameOrigin(request);
    const body = await parseJsonBody(request, newInstructorSchema);
    if (!body.ok) return errorResponse(400, body.error);
    const { instructor, token, expiresAt } = await setUpAdministrator(body.data);
    return Response.json({ instructor }, { status: 201, headers: { "set-cookie": instructorSessionCookie(token, expiresAt, getRuntime().config.LAYERLAB_SECURE_COOKIES) } });
  });
}
