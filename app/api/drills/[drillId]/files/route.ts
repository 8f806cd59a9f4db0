import { editableFiles } from "@/server/drills/drill-runner";
import { latestAttemptOf } from "@/server/drills/learner-drill";
import { listLearnerFiles } from "@/server/exercises/list-learner-files";
import { NO_STORE, withLearnerDrill } from "@/server/http/route-guards";

/** The drill project's files as the sandbox holds them now: what the editor polls to notice terminal edits. */
export const GET = withLearnerDrill(async ({ lab, learner, drill }) => {
  const { variant } = await latestAttemptOf(learner.id, drill);
  const files = await listLearnerFiles(lab, learner.id, { key: `drill:${drill.id}`, workdir: drill.workdir, paths: editableFiles(variant) });
  return Response.json({ files }, { headers: NO_STORE });
});
