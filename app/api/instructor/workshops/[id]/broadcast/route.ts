import { parseJsonBody } from "@/lib/validations/parse-body";
import { broadcastSchema } from "@/lib/validations/workshop";
import { requireWorkshopOwner } from "@/server/auth/instructor-guard";
import { jsonRoute } from "@/server/auth/request-guard";
import { broadcastToRoom } from "@/server/workshop/workshop-control";

/** A message on every learner page of the room. */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  return jsonRoute(async () => {
    const { instructor, workshop } = await requireWorkshopOwner((await params).id, request);
    const body = await parseJsonBody(request, broadcastSchema);
    if (!body.ok) return Response.json({ error: body.error }, { status: 400 });
    return Response.json(await broadcastToRoom(instructor, workshop, body.data.text));
  });
}
