import { jsonRoute } from "@/server/auth/request-guard";
import { resetLearnerSandbox } from "@/server/workshop/reset-learner-sandbox";
import { requireRoomLearner } from "@/server/workshop/room-access";

/**
 * Throws the learner's sandbox away and gives them a fresh one (their progress stays). Answers once the new
 * sandbox is ready, so the instructor knows it worked.
 */
export async function POST(request: Request, { params }: { params: Promise<{ id: string; learnerId: string }> }) {
  return jsonRoute(async () => {
    const { instructor, workshop, learnerId } = await requireRoomLearner(request, await params);
    await resetLearnerSandbox(instructor, workshop.id, learnerId);
    return Response.json({ reset: true });
  });
}
