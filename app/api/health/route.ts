import { httpStatusOf } from "@/server/health/health-report";
import { reportLabHealth } from "@/server/health/report-lab-health";
import { NO_STORE } from "@/server/http/route-guards";
import { findRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

/**
 * Each part the lab depends on, with its status and a message: 200 while the lab serves new learners, 503 when it
 * cannot (a load balancer or monitor acts on the code alone). Checks are cached for a few seconds, so polling this cannot load the lab.
 */
export async function GET(): Promise<Response> {
  const report = await reportLabHealth(findRuntime());
  return Response.json(report, { status: httpStatusOf(report), headers: NO_STORE });
}
