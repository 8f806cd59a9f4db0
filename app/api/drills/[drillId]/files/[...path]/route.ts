import { readLearnerFile } from "@/server/exercises/read-learner-file";
import { saveLearnerFile } from "@/server/exercises/save-learner-file";
import { withLearnerDrill } from "@/server/http/route-guards";

/** One project file's text and the hash a later save must name. */
export const GET = withLearnerDrill<{ drillId: string; path: string[] }>(({ lab, learner, drill, params }) => readLearnerFile(lab, learner.id, drill.workdir, params));

/** Saves the editor's text into the drill's folder (409 when the sandbox holds another version). Checks run on the button only: each one builds. */
export const PUT = withLearnerDrill<{ drillId: string; path: string[] }>(({ lab, learner, drill, request, params }) =>
  saveLearnerFile(lab, learner.id, { workdir: drill.workdir, recheck: false }, request, params),
);
