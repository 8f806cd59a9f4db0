import { parseJsonBody } from "@/lib/validations/parse-body";
import { endWorkshopSchema } from "@/lib/validations/workshop";
import { requireWorkshopOwner } from "@/server/auth/instructor-guard";
import { jsonRoute } from "@/server/auth/request-guard";
import { endWorkshop } from "@/server/workshop/workshop-control";

/** Ends the workshop and releases every member's sandbox; `{keepWork}` says whether their homes are kept (without a body: kept). */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  return jsonRoute(async () => {
    const { instructor, workshop } = await requireWorkshopOwner((await params).id, request);
    let keepWork = true;
    if (request.headers.get("content-type")?.includes("application/json")) {
      const body = await parseJsonBody(request, endWorkshopSchema);
      if (!body.ok) return Response.json({ error: body.error }, { status: 400 });
      keepWork = body.data.keepWork;
    }
    return Response.json(await endWorkshop(instructor, workshop, { keepWork }));
  });
}
