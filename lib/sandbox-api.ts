import { z } from "zod";

/** What the learner's own sandbox routes (/api/sandbox/*) take and answer: validated on both sides of the wire. */

/** The exercise a page is open on, as its request names it (its files go back into a fresh sandbox, its folder is entered). */
export const exerciseRefSchema = z.union([
  z.strictObject({ chapterId: z.string().min(1).max(100) }),
  z.strictObject({ drillId: z.string().min(1).max(100) }),
]);
export type ExerciseRef = z.infer<typeof exerciseRefSchema>;

const learnerContainerSchema = z.object({ id: z.string(), name: z.string(), image: z.string(), status: z.string(), ports: z.array(z.number()) });

/** GET /api/sandbox/containers: the containers running in the learner's sandbox. */
export const containerListSchema = z.object({ containers: z.array(learnerContainerSchema) });

/** GET /api/sandbox/stage: what other exercises left running in this one's way, and why. */
export const stageSchema = z.object({ inTheWay: z.array(z.object({ container: learnerContainerSchema, reasons: z.array(z.string()) })) });

/** POST /api/sandbox/stage: the containers stopped. */
export const clearedStageSchema = z.object({ stopped: z.array(z.string()) });

/** GET /api/sandbox/exercise-folder: whether the learner's own shell is at the front of the terminal (null: cannot tell). */
export const shellInFrontSchema = z.object({ shell: z.boolean().nullable() });
