import { NO_STORE, withWorkshopOwner } from "@/server/http/route-guards";
import { workshopQueue } from "@/server/workshop/workshop-queue";

export const dynamic = "force-dynamic";

/** The lab's admission queue: how many wait, and which of this workshop's members; only for the workshop's owner. */
export const GET = withWorkshopOwner(async ({ lab, workshop }) => Response.json(await workshopQueue(workshop, lab.sandboxes), { headers: NO_STORE }));
