import { startChapter } from "@/server/chapters/start-chapter";
import { clientAddress } from "@/server/auth/rate-limit";
import { ndjsonResponse } from "@/server/http/ndjson";
import { withLearnerChapter } from "@/server/http/route-guards";

/** Gets the learner's sandbox ready and the chapter's starting files in place, answering with NDJSON progress lines. */
export const POST = withLearnerChapter(async ({ lab, learner, chapter, request }) =>
  ndjsonResponse(startChapter(lab, learner.id, chapter, { address: clientAddress(request), signal: request.signal })),
);
