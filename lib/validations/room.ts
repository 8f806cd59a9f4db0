import { z } from "zod";
import { DEFAULT_ROOM_SETTINGS, roomSettingsSchema, type RoomSettings } from "@/lib/workshop/room";

/** `?stuckAfter=15&repeated=4` on the room and CSV routes: each dashboard chooses when a learner counts as stuck. */
const roomQuerySchema = z.object({
  stuckAfter: z.coerce.number().pipe(roomSettingsSchema.shape.stuckAfterMinutes).optional(),
  repeated: z.coerce.number().pipe(roomSettingsSchema.shape.repeatedFailures).optional(),
});

export function roomSettingsFromQuery(params: URLSearchParams): { ok: true; settings: RoomSettings } | { ok: false; error: string } {
  const parsed = roomQuerySchema.safeParse({ stuckAfter: params.get("stuckAfter") ?? undefined, repeated: params.get("repeated") ?? undefined });
  if (!parsed.success) return { ok: false, error: "stuckAfter is minutes (up to 1440) and repeated a count from 2 to 10." };
  return {
    ok: true,
    settings: {
      stuckAfterMinutes: parsed.data.stuckAfter ?? DEFAULT_ROOM_SETTINGS.stuckAfterMinutes,
      repeatedFailures: parsed.data.repeated ?? DEFAULT_ROOM_SETTINGS.repeatedFailures,
    },
  };
}

/** An instructor's direct message to one learner. */
export const learnerMessageSchema = z.object({
  text: z.string({ error: "Write a message." }).trim().min(1, "Write a message.").max(500, "A message has at most 500 characters."),
});

/** Workshop and learner ids in instructor URLs (both are UUIDs; anything else is refused before a query). */
export const roomIdsSchema = z.object({ workshopId: z.uuid(), learnerId: z.uuid() });
