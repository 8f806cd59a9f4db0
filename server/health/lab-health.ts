import "server-only";
import path from "node:path";
import type { Config } from "@/lib/config";
import { describeCapacity, diskReserveBytes, type Capacity } from "@/server/admission/capacity";
import { diskSpace } from "@/server/admission/host-readings";
import { db } from "@/server/db/client";
import { admissionPart, diskPart, summarize, type HealthPart, type HealthReport, type PartName } from "./health-report";
import { repairRegistryContainer } from "./registry-repair";

/** A report is reused this long: a storm of health polls costs one round of checks every few seconds. */
const REPORT_TTL_MS = 3_000;
/** No check may hold the report up longer than this. */
const CHECK_TIMEOUT_MS = 3_000;
/** The lab restarts its registry at most this often, so a registry that cannot come back is not restarted in a loop. */
const REGISTRY_REPAIR_EVERY_MS = 2 * 60_000;

/** What a learner sees while the registry is down. */
export const REGISTRY_DOWN_MEANS = "learners' docker builds wait at FROM (base images come from it) and may fail";

export interface HealthChecks {
  /** Each throws (or rejects) with what is wrong. */
  database(): Promise<void>;
  registry(): Promise<void>;
  sandboxRuntime(): Promise<void>;
  disk(): Promise<{ freeBytes: number; reserveBytes: number }>;
  admission(): { places: number; held: number; pool: number; waiting: number; capacity: Capacity | null };
  /** Brings the registry back (registry-repair.ts) and says how, or throws with what to run; bounded by the monitor. */
  repairRegistry?(): Promise<string>;
}

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${CHECK_TIMEOUT_MS / 1000} s`)), CHECK_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function reason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  // Driver errors can run to pages; the first line says what happened.
  return text.split("\n").find((l) => l.trim())?.trim().slice(0, 300) ?? "failed";
}

async function probe(check: () => Promise<unknown>, what: string, okMessage: string): Promise<HealthPart> {
  try {
    await withTimeout(check(), what);
    return { status: "ok", message: okMessage };
  } catch (error) {
    return { status: "down", message: `${what}: ${reason(error)}` };
  }
}

/**
 * Checks every part the lab depends on, briefly cached, and repairs the registry by itself (bounded). Once a
 * report exists, a poll never waits for checks: it gets the last report while at most one round refreshes it
 * (on a starved host podman alone can take seconds, and a monitor's poll must still be answered at once).
 */
export class HealthMonitor {
  private last: { at: number; report: HealthReport } | undefined;
  private refreshing: Promise<HealthReport> | undefined;
  private lastRepairAt = -Infinity;
  private repairing: Promise<void> | undefined;
  /** The outcome of the last repair, shown in the registry's message. */
  private lastRepair = "";

  constructor(
    private readonly checks: HealthChecks,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Checks every EVERY_MS whether anyone asks or not, so a part the lab repairs (its registry) comes back although no
   * monitor polls /api/health. The timer does not keep the process alive.
   */
  watch(everyMs: number): { stop(): void } {
    const timer = setInterval(() => void this.report(), everyMs);
    timer.unref();
    return { stop: () => clearInterval(timer) };
  }

  report(): Promise<HealthReport> {
    if (this.last && this.now() - this.last.at <= REPORT_TTL_MS) return Promise.resolve(this.last.report);
    this.refreshing ??= this.check()
      .then((report) => {
        this.last = { at: this.now(), report };
        return report;
      })
      .finally(() => (this.refreshing = undefined));
    return this.last ? Promise.resolve(this.last.report) : this.refreshing;
  }

  private async check(): Promise<HealthReport> {
    const [database, registry, sandboxRuntime, disk] = await Promise.all([
      probe(this.checks.database, "the database", "answers"),
      probe(this.checks.registry, "the lab registry", "answers"),
      probe(this.checks.sandboxRuntime, "podman", "answers"),
      withTimeout(this.checks.disk(), "reading free disk space").then(
        (d) => diskPart(d.freeBytes, d.reserveBytes),
        (error): HealthPart => ({ status: "down", message: reason(error) }),
      ),
    ]);
    // Docker in every sandbox asks the lab registry for each FROM image: say what learners see meanwhile.
    if (registry.status === "down") registry.message += `; ${REGISTRY_DOWN_MEANS}${this.repairRegistry()}`;
    else if (this.lastRepair) registry.message += ` (${this.lastRepair})`;
    const a = this.checks.admission();
    const admission = admissionPart({ ...a, limit: a.capacity ? describeCapacity(a.capacity) : undefined });
    const parts: Record<PartName, HealthPart> = { database, registry, sandboxRuntime, disk, admission };
    return summarize(parts, new Date(this.now()));
  }

  /** Starts a repair unless one ran lately; says what happens, for the registry's message. */
  private repairRegistry(): string {
    const repair = this.checks.repairRegistry;
    if (!repair) return "";
    if (this.repairing) return "; the lab is restarting it";
    const wait = this.lastRepairAt + REGISTRY_REPAIR_EVERY_MS - this.now();
    if (wait > 0) return `; ${this.lastRepair || "the lab is restarting it"}; next try in ${Math.ceil(wait / 1000)} s`;
    this.lastRepairAt = this.now();
    this.repairing = repair()
      .then(
        (done) => void (this.lastRepair = done),
        (error) => void (this.lastRepair = `the lab could not bring it back; ${reason(error)}`),
      )
      .finally(() => {
        this.repairing = undefined;
        // The next poll starts a round that sees the outcome, rather than keeping the failure for the TTL.
        if (this.last) this.last.at = -Infinity;
      });
    return "; the lab is restarting it";
  }
}

/** The checks against the real parts: the database client, the registry over HTTP, podman, the data disk. */
export function labHealthChecks(
  config: Config,
  deps: { listSandboxes: () => Promise<unknown>; admission: HealthChecks["admission"] },
): HealthChecks {
  const dataDir = path.resolve(config.LAYERLAB_DATA_DIR);
  const container = config.LAYERLAB_REGISTRY_CONTAINER;
  return {
    async database() {
      await db().$queryRawUnsafe("SELECT 1");
    },
    async registry() {
      const url = `http://${config.LAYERLAB_REGISTRY}/v2/`;
      const res = await fetch(url, { signal: AbortSignal.timeout(CHECK_TIMEOUT_MS) }).catch((error: Error) => {
        // undici says only "fetch failed"; the cause says how (ECONNREFUSED, EHOSTUNREACH, ...).
        const how = error.name === "TimeoutError" ? "timed out" : ((error.cause as NodeJS.ErrnoException | undefined)?.code ?? error.message);
        throw new Error(`no answer from ${url} (${how})`);
      });
      if (!res.ok) throw new Error(`${url} answered ${res.status}`);
    },
    async sandboxRuntime() {
      await deps.listSandboxes();
    },
    async disk() {
      const space = await diskSpace(dataDir);
      return { freeBytes: space.freeBytes, reserveBytes: diskReserveBytes(space.totalBytes, { diskReservePct: config.LAYERLAB_DISK_RESERVE_PCT, diskReserveMb: config.LAYERLAB_DISK_RESERVE_MB }) };
    },
    admission: deps.admission,
    repairRegistry: () => repairRegistryContainer(container),
  };
}
