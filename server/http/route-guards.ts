import "server-only";
import type { z } from "zod";
import type { Chapter, Step } from "@/lib/content/chapter";
import type { Drill, DrillVariant } from "@/lib/content/drill";
import { parseJsonBody } from "@/lib/validations/parse-body";
import { requireAdmin, requireInstructor, requireWorkshopOwner, type InstructorIdentity, type Workshop } from "../auth/instructor-guard";
import type { LearnerIdentity } from "../auth/learner-session";
import { requireLearner } from "../auth/request-guard";
import { findStep } from "../content/step-lookup";
import type { DrillAttempt } from "../db/drill-attempts";
import { attemptFromRequest, drillFromParams } from "../drills/learner-drill";
import { getRuntime, type LabRuntime } from "../runtime";
import { chapterFromParams } from "../workspace/learner-exercise";
import { assertChapterOpen } from "../workshop/chapter-access";
import { requireRoomLearner } from "../workshop/room-access";
import { HttpError, jsonRoute } from "./http-error";
import { assertSameOrigin, parseAllowedOrigins } from "./same-origin";

/**
 * The guards every route handler is wrapped in: each one refuses (an HttpError with a stable code, answered by
 * jsonRoute) or hands its handler what it established, plus the lab runtime. The runtime is looked up here, once
 * per request; below the route layer nothing looks it up: the handler passes on what its use case needs.
 * Anything but GET/HEAD must come from this site (403 cross_site), whatever the guard, before anything else.
 */

/** What Next hands a route handler besides the request; routes without dynamic segments get an empty one. */
type RouteContext<P> = { params: Promise<P> };

interface Guarded<P> {
  request: Request;
  params: P;
  lab: LabRuntime;
}

function guarded<P, G>(establish: (request: Request, params: P) => Promise<G>, run: (given: Guarded<P> & G) => Promise<Response>) {
  return (request: Request, context?: RouteContext<P>): Promise<Response> =>
    jsonRoute(async () => {
      const lab = getRuntime();
      if (request.method !== "GET" && request.method !== "HEAD") assertSameOrigin(request, parseAllowedOrigins(lab.config.LAYERLAB_ORIGINS));
      const params = ((await context?.params) ?? {}) as P;
      const given = await establish(request, params);
      return run({ request, params, lab, ...given });
    });
}

/** No sign-in needed, but a state-changing request must come from this site. */
export function withSameOrigin<P = Record<string, never>>(run: (given: Guarded<P>) => Promise<Response>) {
  return guarded<P, object>(async () => ({}), run);
}

/** A signed-in learner (and this site, for anything but GET). */
export function withLearner<P = Record<string, never>>(run: (given: Guarded<P> & { learner: LearnerIdentity }) => Promise<Response>) {
  return guarded<P, { learner: LearnerIdentity }>(async (request) => ({ learner: await requireLearner(request) }), run);
}

/** A signed-in learner and the chapter in the URL, open to them (not locked by their workshop). */
export function withLearnerChapter<P extends { chapterId: string }>(run: (given: Guarded<P> & { learner: LearnerIdentity; chapter: Chapter }) => Promise<Response>) {
  return guarded<P, { learner: LearnerIdentity; chapter: Chapter }>(async (request, params) => {
    const learner = await requireLearner(request);
    const chapter = await chapterFromParams(params);
    await assertChapterOpen(learner.id, chapter.id);
    return { learner, chapter };
  }, run);
}

/** A signed-in learner and the chapter's step in the URL, the chapter open to them. */
export function withLearnerStep(run: (given: Guarded<{ chapterId: string; stepId: string }> & { learner: LearnerIdentity; chapter: Chapter; step: Step }) => Promise<Response>) {
  return guarded<{ chapterId: string; stepId: string }, { learner: LearnerIdentity; chapter: Chapter; step: Step }>(async (request, { chapterId, stepId }) => {
    const learner = await requireLearner(request);
    const { chapter, step } = await findStep(chapterId, stepId);
    await assertChapterOpen(learner.id, chapterId);
    return { learner, chapter, step };
  }, run);
}

/** A signed-in learner and the drill in the URL. */
export function withLearnerDrill<P extends { drillId: string }>(run: (given: Guarded<P> & { learner: LearnerIdentity; drill: Drill }) => Promise<Response>) {
  return guarded<P, { learner: LearnerIdentity; drill: Drill }>(async (request, params) => {
    const learner = await requireLearner(request);
    return { learner, drill: await drillFromParams(params) };
  }, run);
}

type AttemptGiven = { learner: LearnerIdentity; drill: Drill; attempt: DrillAttempt; variant: DrillVariant };

/** A signed-in learner, the drill in the URL and the learner's own attempt the body names (`{attemptId}`). */
export function withDrillAttempt(run: (given: Guarded<{ drillId: string }> & AttemptGiven) => Promise<Response>) {
  return guarded<{ drillId: string }, AttemptGiven>((request, params) => attemptFromRequest(request, Promise.resolve(params)), run);
}

/** A signed-in instructor. */
export function withInstructor(run: (given: Guarded<Record<string, never>> & { instructor: InstructorIdentity }) => Promise<Response>) {
  return guarded<Record<string, never>, { instructor: InstructorIdentity }>(async (request) => ({ instructor: await requireInstructor(request) }), run);
}

/** The signed-in administrator. */
export function withAdmin(run: (given: Guarded<Record<string, never>> & { admin: InstructorIdentity }) => Promise<Response>) {
  return guarded<Record<string, never>, { admin: InstructorIdentity }>(async (request) => ({ admin: await requireAdmin(request) }), run);
}

type OwnerGiven = { instructor: InstructorIdentity; workshop: Workshop };

/** The signed-in instructor who owns the workshop in the URL; anyone else's workshop is a 404 like a missing one. */
export function withWorkshopOwner(run: (given: Guarded<{ id: string }> & OwnerGiven) => Promise<Response>) {
  return guarded<{ id: string }, OwnerGiven>((request, params) => requireWorkshopOwner(params.id, request), run);
}

/** As withWorkshopOwner, and the learner in the URL is a member of that workshop. */
export function withRoomLearner(run: (given: Guarded<{ id: string; learnerId: string }> & OwnerGiven & { learnerId: string }) => Promise<Response>) {
  return guarded<{ id: string; learnerId: string }, OwnerGiven & { learnerId: string }>((request, params) => requireRoomLearner(request, params), run);
}

/** The JSON body, valid against the schema, or a 400 `bad_request` naming what is wrong (or `message`, if given). */
export async function readBody<S extends z.ZodType>(request: Request, schema: S, message?: string): Promise<z.infer<S>> {
  const body = await parseJsonBody(request, schema);
  if (!body.ok) throw new HttpError(400, message ?? body.error);
  return body.data;
}

/** As readBody, but an empty body (an older page or script sends none) stands for `fallback`. */
export async function readOptionalBody<S extends z.ZodType>(request: Request, schema: S, fallback: z.infer<S>): Promise<z.infer<S>> {
  const raw = await request.text();
  if (!raw.trim()) return fallback;
  return readBody(new Request(request.url, { method: "POST", body: raw }), schema);
}

/** Headers of an answer that changes with every request: never from a cache. */
export const NO_STORE = { "cache-control": "no-store" } as const;
