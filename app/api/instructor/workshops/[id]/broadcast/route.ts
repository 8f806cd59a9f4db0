import { broadcastSchema } from "@/lib/validations/workshop";
import { readBody, withWorkshopOwner } from "@/server/http/route-guards";
import { broadcastToRoom } from "@/server/workshop/workshop-control";

/** A message on every learner page of the room. */
export const POST = withWorkshopOwner(async ({ instructor, workshop, request }) =>
  Response.json(await broadcastToRoom(instructor, workshop, (await readBody(request, broadcastSchema)).text)),
);
