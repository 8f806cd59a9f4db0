import { jsonRoute } from "@/server/auth/request-guard";
import { recordAudit } from "@/server/db/audit";
import { publishToLearner } from "@/server/events/learner-event-bus";
import { getRuntime } from "@/server/runtime";
import { noteLearnerChanged } from "@/server/workshop/room-feed";
import { requireRoomLearner } from "@/server/workshop/room-access";

/**
 * Throws the learner's sandbox away and gives them a fresh one (their progress stays). Answers once the new
 * sandbox is ready, so the instructor knows it worked.
 */
export async function POST(request: Request, { params }: { params: Promise<{ id: string; learnerId: string }> }) {
  return jsonRoute(async () => {
    const { instructor, workshop, learnerId } = await requireRoomLearner(request, await params);
    await recordAudit({ actorId: instructor.id, workshopId: workshop.id, action: "learner.reset-sandbox", detail: { learnerId } });
    await getRuntime().sandboxes.reset(learnerId);
    publishToLearner(learnerId, {
      type: "message",
      from: instructor.displayName,
      text: "Your instructor gave you a fresh sandbox. Your progress is kept; start the chapter again to get its files back.",
    });
    noteLearnerChanged(learnerId);
    return Response.json({ reset: true });
  });
}
