import { newInstructorSchema } from "@/lib/validations/instructor";
import { parseJsonBody } from "@/lib/validations/parse-body";
import { addInstructor } from "@/server/auth/instructor-accounts";
import { requireAdmin } from "@/server/auth/instructor-guard";
import { jsonRoute } from "@/server/auth/request-guard";

/** The administrator adds an instructor account. */
export async function POST(request: Request): Promise<Response> {
  return jsonRoute(async () => {
    const admin = await requireAdmin(request);
    const body = await parseJsonBody(request, newInstructorSchema);
    if (!body.ok) return Response.json({ error: body.error }, { status: 400 });
    const created = await addInstructor(admin, body.data);
    return Response.json({ instructor: { id: created.id, username: created.username, displayName: created.displayName, role: created.role } }, { status: 201 });
  });
}
