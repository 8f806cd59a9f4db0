import { z } from "zod";

/** What a chapter step's routes answer (/api/chapters/<id>/steps/<step>/…); "check" answers a StepVerdictView (lib/learner-events). */

/** POST …/hint: every hint opened so far, the new one last. */
export const openedHintsSchema = z.object({ hints: z.array(z.string()) });

/** POST …/solution. */
export const revealedSolutionSchema = z.object({ solutionMarkdown: z.string() });
