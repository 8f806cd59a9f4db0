import Link from "next/link";
import { NameFirst } from "@/components/lab/NameFirst";
import { currentLearner } from "@/server/auth/request-guard";
import type { Drill } from "@/lib/content/drill";
import { showDrillCatalog } from "@/server/drills/show-drill-catalog";

export const dynamic = "force-dynamic";

function DrillList({ label, drills, best }: { label: string; drills: Drill[]; best: Map<string, number> }) {
  return (
    <ol className="catalog" aria-label={label}>
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
  );
}

/** The drill catalog; a learner whose workshop runs a race sees the race's drills first. */
export default async function DrillsPage() {
  const learner = await currentLearner();
  if (!learner) return <NameFirst title="Troubleshooting drills" what="the drills" />;
  const { race, others, best } = await showDrillCatalog(learner.id);
  return (
    <main className="page">
      <h1>Troubleshooting drills</h1>
      <p className="lede">
        Each drill hands you a project whose build or container is broken, and starts a clock. Fix it; the lab builds and runs
        your project to judge. Hints cost time; giving up shows the fix.
      </p>
      {race.length > 0 ? (
        <>
          <h2>Your workshop&apos;s race</h2>
          <p className="muted">Your room&apos;s leaderboard counts these; your instructor decides when the room sees it.</p>
          <DrillList label="Your workshop's drills" drills={race} best={best} />
          <h2>More drills</h2>
          <DrillList label="Drills" drills={others} best={best} />
        </>
      ) : (
        <DrillList label="Drills" drills={others} best={best} />
      )}
    </main>
  );
}
