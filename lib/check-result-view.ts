import { z } from "zod";

/**
 * One check's result as a learner (and their instructor) sees it: passed, failed with why, or skipped. The one
 * shape of it on the wire: a step's verdict, a drill check's answer and the room's check runs all carry it.
 */
export const checkResultViewSchema = z.object({
  id: z.string(),
  title: z.string(),
  status: z.enum(["passed", "failed", "skipped"]),
  message: z.string(),
});

export type CheckResultView = z.infer<typeof checkResultViewSchema>;
