import { reopenDrill } from "@/server/drills/reopen-drill";
import { ndjsonLine, ndjsonResponse } from "@/server/http/ndjson";
import { withLearnerDrill } from "@/server/http/route-guards";

/** The editor's start for a drill: the project's files put back where missing. One NDJSON line, as the chapter start ends. */
export const POST = withLearnerDrill(async ({ lab, learner, drill }) => ndjsonResponse(ndjsonLine({ ready: true, ...(await reopenDrill(lab, learner.id, drill)) })));
