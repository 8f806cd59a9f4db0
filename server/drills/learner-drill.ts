import "server-only";
import { z } from "zod";
import type { Drill, DrillVariant } from "@/lib/content/drill";
import { attemptRefSchema, type AttemptView } from "@/lib/drills/drill-api";
import { parseJsonBody } from "@/lib/validations/parse-body";
import type { LearnerIdentity } from "../auth/learner-session";
import { HttpError, requireLearner } from "../auth/request-guard";
import { drillVariant, getDrill } from "../content/drills";
import { findDrillAttempt, latestDrillAttempt, type DrillAttempt } from "../db/drill-attempts";
import { editableFiles } from "./drill-runner";

const drillParams = z.object({ drillId: z.string().min(1).max(100) });

/** The drill named in the URL, or a 404 naming it. */
export async function drillFromParams(params: unknown): Promise<Drill> {
  const parsed = drillParams.safeParse(params);
  if (!parsed.success) throw new HttpError(400, "The drill id in the address is not valid.");
  const drill = await getDrill(parsed.data.drillId);
  if (!drill) throw new HttpError(404, `There is no drill "${parsed.data.drillId}".`);
  return drill;
}

/** The learner's own attempt by id, at this drill: anything else is a 404, so ids do not leak. */
export async function attemptOf(learnerId: string, drill: Drill, attemptId: string): Promise<{ attempt: DrillAttempt; variant: DrillVariant }> {
  const attempt = await findDrillAttempt(attemptId, learnerId);
  if (!attempt || attempt.drillId !== drill.id) throw new HttpError(404, "No such attempt; start the drill again.");
  return { attempt, variant: drillVariant(drill, attempt.seed) };
}

/** For an attempt's routes (hint, check, give up): the signed-in learner, the drill in the URL and the attempt the body names. */
export async function attemptFromRequest(
  request: Request,
  params: Promise<{ drillId: string }>,
): Promise<{ learner: LearnerIdentity; drill: Drill; attempt: DrillAttempt; variant: DrillVariant }> {
  const learner = await requireLearner(request);
  const drill = await drillFromParams(await params);
  const body = await parseJsonBody(request, attemptRefSchema);
  if (!body.ok) throw new HttpError(400, body.error);
  return { learner, drill, ...(await attemptOf(learner.id, drill, body.data.attemptId)) };
}

/** The learner's latest attempt, which the editor and the file routes work on. */
export async function latestAttemptOf(learnerId: string, drill: Drill): Promise<{ attempt: DrillAttempt; variant: DrillVariant }> {
  const attempt = await latestDrillAttempt(learnerId, drill.id);
  if (!attempt) throw new HttpError(409, "Start the drill first.");
  return { attempt, variant: drillVariant(drill, attempt.seed) };
}

/** The learner's latest attempt at the drill as the page shows it, or null before their first. */
export async function latestAttemptView(learnerId: string, drill: Drill): Promise<AttemptView | null> {
  const attempt = await latestDrillAttempt(learnerId, drill.id);
  return attempt && attemptView(drill, attempt, drillVariant(drill, attempt.seed));
}

/** The attempt as the page shows it: the opened hints only, and the reference fix only once the attempt is over. */
export function attemptView(drill: Drill, attempt: DrillAttempt, variant: DrillVariant): AttemptView {
  return {
    id: attempt.id,
    seed: attempt.seed,
    startedAt: attempt.startedAt.toISOString(),
    finishedAt: attempt.finishedAt?.toISOString() ?? null,
    passed: attempt.passed,
    gaveUp: attempt.gaveUp,
    score: attempt.score,
    timeMs: attempt.timeMs,
    checkRuns: attempt.checkRuns,
    goal: variant.goal,
    workdir: drill.workdir,
    files: editableFiles(variant),
    hintCount: variant.hints.length,
    hints: variant.hints.slice(0, attempt.hintsOpened),
    hintCostSeconds: drill.hintCostSeconds,
    parMinutes: drill.parMinutes,
    fix: attempt.finishedAt ? { files: variant.fix, script: variant.fixScript, notes: variant.fixNotes } : null,
  };
}
