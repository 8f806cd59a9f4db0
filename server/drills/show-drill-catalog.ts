import "server-only";
import { getDrills } from "../content/drills";
import { bestDrillScores } from "../db/drill-attempts";
import { currentWorkshopOf } from "../db/workshops";

/** The drill catalog as one learner sees it: their race's drills first (when their workshop runs one), and their best scores. */
export async function showDrillCatalog(learnerId: string) {
  const [drills, best, workshop] = await Promise.all([getDrills(), bestDrillScores(learnerId), currentWorkshopOf(learnerId)]);
  const race = drills.filter((d) => workshop?.drillIds.includes(d.id));
  return { race, others: drills.filter((d) => !race.includes(d)), best };
}
