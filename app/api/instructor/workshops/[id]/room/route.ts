import { NO_STORE, withWorkshopOwner } from "@/server/http/route-guards";
import { roomSettingsOf } from "@/server/instructor/room-settings-query";
import { roomSnapshot } from "@/server/workshop/room-feed";

export const dynamic = "force-dynamic";

/** The whole room at once (the dashboard's first load, and its periodic catch-up); only for the workshop's owner. */
export const GET = withWorkshopOwner(async ({ workshop, request }) => Response.json(await roomSnapshot(workshop, roomSettingsOf(request)), { headers: NO_STORE }));
