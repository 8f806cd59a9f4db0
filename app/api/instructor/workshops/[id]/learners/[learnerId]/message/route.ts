import { jsonRoute } from "@/server/auth/request-guard";
import { learnerMessageSchema } from "@/lib/validations/room";
import { parseJsonBody } from "@/lib/validations/parse-body";
import { recordAudit } from "@/server/db/audit";
import { saveWorkshopMessage } from "@/server/db/workshop-messages";
import { publishToLearner } from "@/server/events/learner-event-bus";
import { requireRoomLearner } from "@/server/workshop/room-access";

/** A message to one learner of the room: it appears on that learner's page only. */
export async function POST(request: Request, { params }: { params: Promise<{ id: string; learnerId: string }> }) {
  return jsonRoute(async () => {
    const { instructor, workshop, learnerId } = await requireRoomLearner(request, await params);
    const body = await parseJsonBody(request, learnerMessageSchema);
    if (!body.ok) return Response.json({ error: body.error }, { status: 400 });
    await saveWorkshopMessage({ workshopId: workshop.id, learnerId, text: body.data.text });
    await recordAudit({ actorId: instructor.id, workshopId: workshop.id, action: "learner.message", detail: { learnerId, length: body.data.text.length } });
    publishToLearner(learnerId, { type: "message", from: instructor.displayName, text: body.data.text });
    return Response.json({ sent: true });
  });
}
