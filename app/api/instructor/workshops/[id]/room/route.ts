import { NO_STORE, withWorkshopOwner } from "@/server/http/route-guards";
import { roomSettingsOf } from "@/server/instructor/room-settings-query";

export const dynamic = "force-dynamic";

/** The whole room at once (the dashboard's first load, and its periodic catch-up); only for the workshop's owner. */
export const GET = withWorkshopOwner(async ({ lab, workshop, request }) => Response.json(await lab.roomFeed.snapshot(workshop, roomSettingsOf(request)), { headers: NO_STORE }));
