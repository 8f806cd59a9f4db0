import { startDrillBodySchema } from "@/lib/drills/drill-api";
import { newSeed } from "@/lib/drills/variant";
import { parseJsonBody } from "@/lib/validations/parse-body";
import { clientAddress } from "@/server/auth/rate-limit";
import { HttpError, jsonRoute, requireLearner } from "@/server/auth/request-guard";
import { drillVariant } from "@/server/content/drills";
import { createDrillAttempt } from "@/server/db/drill-attempts";
import { currentWorkshopOf } from "@/server/db/workshops";
import { resetDrillWorkspace } from "@/server/drills/drill-runner";
import { attemptView, drillFromParams } from "@/server/drills/learner-drill";
import { getRuntime } from "@/server/runtime";

/**
 * Starts a new attempt: a fresh seed (so neighbours get other names and ports), a fresh copy of the
 * broken project in the learner's sandbox, and the clock. An earlier attempt's work in the drill's
 * folder is replaced; that is what "start again" means.
 */
export async function POST(request: Request, { params }: { params: Promise<{ drillId: string }> }) {
  return jsonRoute(async () => {
    const learner = await requireLearner(request);
    const drill = await drillFromParams(await params);
    const body = await parseJsonBody(request, startDrillBodySchema);
    if (!body.ok) throw new HttpError(400, body.error);
    const { driver, sandboxes } = getRuntime();
    // A start counts against the address's limit; a learner who leaves while the lab is full leaves the line.
    const sandbox = await sandboxes.acquire(learner.id, undefined, { address: clientAddress(request), signal: request.signal });
    const seed = newSeed();
    const variant = drillVariant(drill, seed);
    await resetDrillWorkspace({ driver, sandboxId: sandbox.sandboxId, workdir: drill.workdir }, variant);
    // The clock starts once the project is in place, not while a cold sandbox was starting.
    const workshop = await currentWorkshopOf(learner.id);
    const attempt = await createDrillAttempt({ learnerId: learner.id, drillId: drill.id, seed, workshopId: workshop?.id ?? null });
    return Response.json(attemptView(drill, attempt, variant));
  });
}
