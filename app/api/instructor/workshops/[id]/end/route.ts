import { endWorkshopSchema } from "@/lib/validations/workshop";
import { readOptionalBody, withWorkshopOwner } from "@/server/http/route-guards";
import { endWorkshop } from "@/server/workshop/workshop-control";

/** Ends the workshop and releases every member's sandbox; `{keepWork}` says whether their homes are kept. */
export const POST = withWorkshopOwner(async ({ lab, instructor, workshop, request }) => {
  // No body (older pages and scripts) keeps the work: the choice that loses nothing.
  const { keepWork } = await readOptionalBody(request, endWorkshopSchema, { keepWork: true });
  return Response.json(await endWorkshop(lab, instructor, workshop, { keepWork }));
});
