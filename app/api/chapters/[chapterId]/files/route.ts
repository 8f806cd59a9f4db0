import { listLearnerFiles } from "@/server/exercises/list-learner-files";
import { NO_STORE, withLearnerChapter } from "@/server/http/route-guards";

/** The exercise files as the sandbox holds them now (hash, size, mtime): what the editor polls to notice terminal edits. */
export const GET = withLearnerChapter(async ({ lab, learner, chapter }) => {
  const files = await listLearnerFiles(lab, learner.id, { key: chapter.id, workdir: chapter.workdir, paths: chapter.files.map((f) => f.path) });
  return Response.json({ files }, { headers: NO_STORE });
});
