import { httpStatusOf, summarize, type HealthPart } from "@/server/health/health-report";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

/**
 * Each part the lab depends on, with its status and a message: 200 while the lab serves new learners,
 * 503 when it cannot (a load balancer or monitor acts on the code alone). Checks are cached for a few
 * seconds, so polling this cannot load the lab.
 */
export async function GET(): Promise<Response> {
  let runtime;
  try {
    runtime = getRuntime();
  } catch {
    const starting: HealthPart = { status: "down", message: "the lab is not started (yet)" };
    const report = summarize({ database: starting, registry: starting, sandboxRuntime: starting, disk: starting, admission: starting }, new Date());
    return Response.json(report, { status: 503, headers: { "cache-control": "no-store" } });
  }
  const report = await runtime.health.report();
  return Response.json(report, { status: httpStatusOf(report), headers: { "cache-control": "no-store" } });
}
