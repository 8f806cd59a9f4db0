import Link from "next/link";
import { StartForm } from "@/components/StartForm";
import { currentLearner } from "@/server/auth/request-guard";
import { getCourse } from "@/server/content/course";
import { passedStepsByChapter } from "@/server/progress/step-progress";
import { lockedChaptersFor } from "@/server/workshop/chapter-access";

export const dynamic = "force-dynamic";

export default async function HomePage() {
  const learner = await currentLearner();
  const course = await getCourse();
  const passed = learner ? await passedStepsByChapter(learner.id) : new Map<string, number>();
  const locked = learner ? await lockedChaptersFor(learner.id) : new Set<string>();

  return (
    <main className="page">
      <h1>{learner ? `Welcome back, ${learner.displayName}` : "Build container images, for real"}</h1>
      <p className="lede">
        Every chapter gives you a terminal and an editor in your own sandbox with a real Docker engine. Each step is checked
        against what is really in that sandbox: images, layers, the build cache, running containers.
      </p>
      {!learner && <StartForm />}
      {!learner && (
        <p className="lede" style={{ marginTop: 16 }}>
          In a workshop? <Link href="/join">Join with the code on the projector</Link>. Running one?{" "}
          <Link href="/instructor">Instructor sign-in</Link>.
        </p>
      )}
      {learner && (
        <ol className="catalog" aria-label="Chapters">
          {course.chapters.map((chapter, index) => {
            const done = passed.get(chapter.id) ?? 0;
            const total = chapter.steps.length;
            if (locked.has(chapter.id)) {
              return (
                <li key={chapter.id}>
                  <div className="chapter-card" aria-disabled="true" style={{ opacity: 0.55 }}>
                    <span className="chapter-num">{String(index + 1).padStart(2, "0")}</span>
                    <span>
                      <h2>{chapter.title}</h2>
                      <p>{chapter.summary}</p>
                    </span>
                    <span className="progress">Locked by your instructor</span>
                  </div>
                </li>
              );
            }
            return (
              <li key={chapter.id}>
                <Link className="chapter-card" href={`/chapters/${chapter.id}`}>
                  <span className="chapter-num">{String(index + 1).padStart(2, "0")}</span>
                  <span>
                    <h2>{chapter.title}</h2>
                    <p>{chapter.summary}</p>
                  </span>
                  <span className="progress" aria-label={`${done} of ${total} steps done`}>
                    {done}/{total} steps
                    <span className="progress-bar">
                      <span style={{ width: `${total ? (100 * done) / total : 0}%` }} />
                    </span>
                  </span>
                </Link>
              </li>
            );
          })}
        </ol>
      )}
      {learner && (
        <p className="drills-link">
          <Link className="btn-ghost" href="/drills">
            Troubleshooting drills: fix a broken build against the clock →
          </Link>
        </p>
      )}
    </main>
  );
}
