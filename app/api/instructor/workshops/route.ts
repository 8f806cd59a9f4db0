import { newWorkshopSchema } from "@/lib/validations/workshop";
import { readBody, withInstructor } from "@/server/http/route-guards";
import { createWorkshopFor } from "@/server/workshop/workshop-control";

/** Creates a workshop owned by the signed-in instructor; answers with its id and join code. */
export const POST = withInstructor(async ({ lab, instructor, request }) => {
  const workshop = await createWorkshopFor(lab, instructor, await readBody(request, newWorkshopSchema));
  return Response.json({ workshop: { id: workshop.id, joinCode: workshop.joinCode } }, { status: 201 });
});
