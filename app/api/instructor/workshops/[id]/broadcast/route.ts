import { broadcastSchema } from "@/lib/validations/workshop";
import { readBody, withWorkshopOwner } from "@/server/http/route-guards";
import { broadcastToRoom } from "@/server/workshop/workshop-control";

/** A message on every learner page of the room. */
export const POST = withWorkshopOwner(async ({ lab, instructor, workshop, request }) =>
  Response.json(await broadcastToRoom(lab, instructor, workshop, (await readBody(request, broadcastSchema)).text)),
);
