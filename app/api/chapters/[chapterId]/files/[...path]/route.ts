import { readLearnerFile } from "@/server/exercises/read-learner-file";
import { saveLearnerFile } from "@/server/exercises/save-learner-file";
import { withLearnerChapter } from "@/server/http/route-guards";

/** One exercise file's text and the hash a later save must name. */
export const GET = withLearnerChapter<{ chapterId: string; path: string[] }>(({ lab, learner, chapter, params }) => readLearnerFile(lab, learner.id, chapter.workdir, params));

/** Saves the editor's text into the sandbox (409 when it holds another version); the focused step's checks re-run. */
export const PUT = withLearnerChapter<{ chapterId: string; path: string[] }>(({ lab, learner, chapter, request, params }) =>
  saveLearnerFile(lab, learner.id, { workdir: chapter.workdir, recheck: true }, request, params),
);
