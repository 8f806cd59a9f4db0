import { z } from "zod";

/** The lab's admission queue as a workshop's instructor sees it (GET /api/instructor/workshops/<id>/queue). */
export const workshopQueueSchema = z.object({
  /** Sandbox places in all; null when the lab sets no limit. */
  places: z.number().int().nullable(),
  /** Learners holding a place now (anyone's). */
  held: z.number().int(),
  /** Everyone waiting for a place. */
  waiting: z.number().int(),
  /** This workshop's members among them, in line order. */
  members: z.array(z.object({ learnerId: z.string(), displayName: z.string(), position: z.number().int(), waitingSince: z.string() })),
});

export type WorkshopQueue = z.infer<typeof workshopQueueSchema>;
