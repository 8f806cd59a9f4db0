import { notFound } from "next/navigation";
import { NameFirst } from "@/components/lab/NameFirst";
import { DrillWorkspace } from "@/components/drills/DrillWorkspace";
import { currentLearner } from "@/server/auth/request-guard";
import { getDrill } from "@/server/content/drills";
import { latestAttemptView } from "@/server/drills/learner-drill";

export const dynamic = "force-dynamic";

export default async function DrillPage({ params }: { params: Promise<{ drillId: string }> }) {
  const { drillId } = await params;
  const learner = await currentLearner();
  const drill = await getDrill(drillId);
  if (!drill) notFound();
  if (!learner) return <NameFirst title={drill.title} what="this drill" />;
  // Only what the page shows crosses to the client: no checks, no fix before the attempt is over.
  return (
    <DrillWorkspace
      drill={{ id: drill.id, title: drill.title, summary: drill.summary, failure: drill.failure, parMinutes: drill.parMinutes, hintCostSeconds: drill.hintCostSeconds }}
      initialAttempt={await latestAttemptView(learner.id, drill)}
    />
  );
}
