import "server-only";
import type { LabRuntime } from "../runtime";
import { summarize, type HealthPart, type HealthReport } from "./health-report";

/** The lab's health report; while the lab is still starting (no runtime yet), every part is down. */
export async function reportLabHealth(lab: Pick<LabRuntime, "health"> | undefined): Promise<HealthReport> {
  if (lab) return lab.health.report();
  const starting: HealthPart = { status: "down", message: "the lab is not started (yet)" };
  return summarize({ database: starting, registry: starting, sandboxRuntime: starting, disk: starting, admission: starting }, new Date());
}
