/**
 * The health report's shape and its verdict: pure, so the rules for 200 and 503 are unit-tested.
 *
 * "down" parts stop the lab from serving new learners (503: a load balancer sends them elsewhere);
 * "degraded" ones still serve (200) but someone should look, e.g. a full lab where learners wait in line.
 */
export type PartStatus = "ok" | "degraded" | "down";

export interface HealthPart {
  status: PartStatus;
  message: string;
}

export type PartName = "database" | "registry" | "sandboxRuntime" | "disk" | "admission";

export interface HealthReport {
  status: PartStatus;
  /** Whether a new learner is served now (or queued fairly): the HTTP status says the same, 200 or 503. */
  serving: boolean;
  checkedAt: string;
  parts: Record<PartName, HealthPart>;
}

export function summarize(parts: Record<PartName, HealthPart>, checkedAt: Date): HealthReport {
  const statuses = Object.values(parts).map((p) => p.status);
  const status: PartStatus = statuses.includes("down") ? "down" : statuses.includes("degraded") ? "degraded" : "ok";
  return { status, serving: status !== "down", checkedAt: checkedAt.toISOString(), parts };
}

export function httpStatusOf(report: HealthReport): number {
  return report.serving ? 200 : 503;
}

/** Free disk against the reserve the lab keeps for the database and the OS. */
export function diskPart(freeBytes: number, reserveBytes: number): HealthPart {
  const gb = (b: number) => `${(b / 1024 ** 3).toFixed(1)} GB`;
  if (freeBytes < reserveBytes) return { status: "down", message: `${gb(freeBytes)} free, under the ${gb(reserveBytes)} reserve: no new sandbox can start` };
  return { status: "ok", message: `${gb(freeBytes)} free (reserve ${gb(reserveBytes)})` };
}

/** The admission queue: places, who holds them, who waits. */
export function admissionPart(a: { places: number; held: number; pool: number; waiting: number; limit?: string }): HealthPart {
  const places = Number.isFinite(a.places) ? String(a.places) : "unlimited";
  const text = `${a.held} learner${a.held === 1 ? "" : "s"} in ${places} place${a.places === 1 ? "" : "s"}, ${a.pool} warm, ${a.waiting} waiting${a.limit ? `; ${a.limit}` : ""}`;
  if (a.waiting > 0) return { status: "degraded", message: `the lab is full: ${text}` };
  if (a.places < 1) return { status: "down", message: `no sandbox can start: ${text}` };
  return { status: "ok", message: text };
}
