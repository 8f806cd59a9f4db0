import { requireWorkshopOwner } from "@/server/auth/instructor-guard";
import { jsonRoute } from "@/server/auth/request-guard";
import { endWorkshop } from "@/server/workshop/workshop-control";

/** Ends the workshop and releases every member's sandbox. */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  return jsonRoute(async () => {
    const { instructor, workshop } = await requireWorkshopOwner((await params).id, request);
    return Response.json(await endWorkshop(instructor, workshop));
  });
}
