import { eventStreamResponse } from "@/server/events/event-stream";
import { withWorkshopOwner } from "@/server/http/route-guards";

export const dynamic = "force-dynamic";

/** Server-sent events for the owner's dashboard: fresh facts about learners whose verdict, hints, solution or activity changed. */
export const GET = withWorkshopOwner(async ({ lab, workshop, request }) => eventStreamResponse(request, (send) => lab.roomFeed.subscribe(workshop.id, send)));
