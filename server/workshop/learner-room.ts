import "server-only";
import { currentLearner } from "../auth/request-guard";
import { latestMessageFor } from "../db/workshop-messages";
import { currentWorkshopOf } from "../db/workshops";

export interface LearnerRoom {
  workshopTitle: string;
  /** The newest broadcast or direct message, so a page opened after it was sent still shows it. */
  latest: { key: string; from: string; text: string } | null;
}

/** The signed-in learner's current workshop as their pages show it, or null outside a workshop. */
export async function currentLearnerRoom(): Promise<LearnerRoom | null> {
  const learner = await currentLearner();
  if (!learner) return null;
  const workshop = await currentWorkshopOf(learner.id);
  if (!workshop) return null;
  const message = await latestMessageFor(workshop.id, learner.id);
  return {
    workshopTitle: workshop.title,
    latest: message && { key: `${message.learnerId ? "m" : "b"}${message.id}`, from: "Instructor", text: message.text },
  };
}
