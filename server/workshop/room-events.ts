import "server-only";
import type { LearnerEvent } from "@/lib/learner-events";
import { membersOf } from "../db/workshops";
import type { LearnerEventBus } from "../events/learner-event-bus";

/** Pushes EVENT to the open pages of every member of the workshop; returns how many members there are. */
export async function publishToRoom(events: LearnerEventBus, workshopId: string, event: LearnerEvent): Promise<number> {
  const members = await membersOf(workshopId);
  for (const m of members) events.publish(m.learnerId, event);
  return members.length;
}
