import { endWorkshopSchema } from "@/lib/validations/workshop";
import { requireWorkshopOwner } from "@/server/auth/instructor-guard";
import { jsonRoute } from "@/server/auth/request-guard";
import { endWorkshop } from "@/server/workshop/workshop-control";

/** Ends the workshop and releases every member's sandbox; `{keepWork}` says whether their homes are kept. */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  return jsonRoute(async () => {
    const { instructor, workshop } = await requireWorkshopOwner((await params).id, request);
    // No body (older pages and scripts) keeps the work: the choice that loses nothing.
    let keepWork = true;
    const raw = await request.text();
    if (raw.trim()) {
      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch {
        return Response.json({ error: "The request body is not valid JSON." }, { status: 400 });
      }
      const body = endWorkshopSchema.safeParse(json);
      if (!body.success) return Response.json({ error: body.error.issues.map((i) => i.message).join(" ") }, { status: 400 });
      keepWork = body.data.keepWork;
    }
    return Response.json(await endWorkshop(instructor, workshop, { keepWork }));
  });
}
