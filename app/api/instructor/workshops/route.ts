import { parseJsonBody } from "@/lib/validations/parse-body";
import { newWorkshopSchema } from "@/lib/validations/workshop";
import { requireInstructor } from "@/server/auth/instructor-guard";
import { jsonRoute } from "@/server/auth/request-guard";
import { createWorkshopFor } from "@/server/workshop/workshop-control";

/** Creates a workshop owned by the signed-in instructor; answers with its id and join code. */
export async function POST(request: Request): Promise<Response> {
  return jsonRoute(async () => {
    const instructor = await requireInstructor(request);
    const body = await parseJsonBody(request, newWorkshopSchema);
    if (!body.ok) return Response.json({ error: body.error }, { status: 400 });
    const workshop = await createWorkshopFor(instructor, body.data);
    return Response.json({ workshop: { id: workshop.id, joinCode: workshop.joinCode } }, { status: 201 });
  });
}
