import { requireWorkshopOwner } from "@/server/auth/instructor-guard";
import { jsonRoute } from "@/server/auth/request-guard";
import { eventStreamResponse } from "@/server/events/event-stream";
import { subscribeRoom } from "@/server/workshop/room-feed";

export const dynamic = "force-dynamic";

/**
 * Server-sent events for the owner's dashboard: fresh facts about learners whose verdict, hints, solution or
 * activity changed. The room view route gives the starting point.
 */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return jsonRoute(async () => {
    const { workshop } = await requireWorkshopOwner((await params).id, request);
    return eventStreamResponse(request, (send) => subscribeRoom(workshop.id, send));
  });
}
