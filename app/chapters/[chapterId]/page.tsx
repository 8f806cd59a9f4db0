import Link from "next/link";
import { notFound } from "next/navigation";
import { NameFirst } from "@/components/lab/NameFirst";
import { LabWorkspace, type ChapterView } from "@/components/lab/LabWorkspace";
import { currentLearner } from "@/server/auth/request-guard";
import { getChapter } from "@/server/content/course";
import { stepStatesForChapter } from "@/server/progress/step-progress";
import { isChapterLocked } from "@/server/workshop/chapter-access";

export const dynamic = "force-dynamic";

export default async function ChapterPage({ params }: { params: Promise<{ chapterId: string }> }) {
  const { chapterId } = await params;
  const learner = await currentLearner();
  const chapter = await getChapter(chapterId);
  if (!chapter) notFound();
  if (!learner) return <NameFirst title={chapter.title} what="this chapter" />;
  if (await isChapterLocked(learner.id, chapter.id)) {
    return (
      <main className="page">
        <h1>{chapter.title}</h1>
        <p className="lede" role="status">
          Your instructor has locked this chapter for now; it opens when the room gets to it. This page reloads by itself then.
        </p>
        <Link href="/">Back to the chapters</Link>
      </main>
    );
  }
  const states = await stepStatesForChapter(learner.id, chapter.id);

  // Only what the page shows crosses to the client: no solution scripts, no check internals.
  const view: ChapterView = {
    id: chapter.id,
    title: chapter.title,
    summary: chapter.summary,
    workdir: chapter.workdir,
    files: chapter.files.map((f) => f.path),
    steps: chapter.steps.map((step) => {
      const state = states.find((s) => s.stepId === step.id);
      return {
        id: step.id,
        title: step.title,
        markdown: step.markdown,
        hintCount: step.hints.length,
        checks: step.checks.map((c) => ({ id: c.id, title: c.title })),
        hintsOpened: state ? step.hints.slice(0, state.hintsOpened) : [],
        solutionMarkdown: state?.solutionRevealed ? step.solutionMarkdown : null,
        lastVerdict: state?.lastVerdict ?? null,
      };
    }),
  };
  return <LabWorkspace chapter={view} passedSteps={states.filter((s) => s.passed).map((s) => s.stepId)} />;
}
