import Link from "next/link";
import { redirect } from "next/navigation";
import { currentLearner } from "@/server/auth/request-guard";
import { getDrills } from "@/server/content/drills";
import { bestDrillScores } from "@/server/db/drill-attempts";

export const dynamic = "force-dynamic";

export default async function DrillsPage() {
  const learner = await currentLearner();
  if (!learner) redirect("/");
  const [drills, best] = await Promise.all([getDrills(), bestDrillScores(learner.id)]);
  return (
    <main className="page">
      <h1>Troubleshooting drills</h1>
      <p className="lede">
        Each drill hands you a project whose build or container is broken, and starts a clock. Fix it; the lab builds and runs
        your project to judge. Hints cost time; giving up shows the fix.
      </p>
      <ol className="catalog" aria-label="Drills">
        {drills.map((drill) => (
          <li key={drill.id}>
            <Link className="chapter-card" href={`/drills/${drill.id}`}>
              <span className="chapter-num">{String(drill.order).padStart(2, "0")}</span>
              <span>
                <h2>{drill.title}</h2>
                <p>
                  <span className="muted">{drill.failure} · </span>
                  {drill.summary}
                </p>
              </span>
              <span className="progress">{best.has(drill.id) ? `best ${best.get(drill.id)}` : `par ${drill.parMinutes} min`}</span>
            </Link>
          </li>
        ))}
      </ol>
    </main>
  );
}
