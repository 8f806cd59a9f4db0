import { newInstructorSchema } from "@/lib/validations/instructor";
import { addInstructor } from "@/server/auth/instructor-accounts";
import { readBody, withAdmin } from "@/server/http/route-guards";

/** The administrator adds an instructor account. */
export const POST = withAdmin(async ({ admin, request }) => {
  const created = await addInstructor(admin, await readBody(request, newInstructorSchema));
  return Response.json({ instructor: { id: created.id, username: created.username, displayName: created.displayName, role: created.role } }, { status: 201 });
});
