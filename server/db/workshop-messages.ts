import "server-only";
import { db } from "./client";

export interface WorkshopMessage {
  id: number;
  workshopId: string;
  /** Set for a message to one learner; null for a broadcast to the room. */
  learnerId: string | null;
  text: string;
  createdAt: Date;
}

export async function saveWorkshopMessage(input: { workshopId: string; text: string; learnerId?: string }): Promise<WorkshopMessage> {
  return db().workshopMessage.create({ data: { workshopId: input.workshopId, text: input.text, learnerId: input.learnerId ?? null } });
}

/** The newest message a learner in the workshop should see: a broadcast or one addressed to them. */
export async function latestMessageFor(workshopId: string, learnerId: string): Promise<WorkshopMessage | null> {
  return db().workshopMessage.findFirst({
    where: { workshopId, OR: [{ learnerId: null }, { learnerId }] },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
  });
}

export async function messagesOf(workshopId: string): Promise<WorkshopMessage[]> {
  return db().workshopMessage.findMany({ where: { workshopId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
}
