import "server-only";
import path from "node:path";
import type { Config } from "@/lib/config";
import { describeCapacity, diskReserveBytes, type Capacity } from "@/server/admission/capacity";
import { diskSpace } from "@/server/admission/host-readings";
import { db } from "@/server/db/client";
import { runHostCommand } from "@/server/sandbox/host-command";
import { admissionPart, diskPart, summarize, type HealthPart, type HealthReport, type PartName } from "./health-report";

/** A report is reused this long: a storm of health polls costs one round of checks every few seconds. */
const REPORT_TTL_MS = 3_000;
/** No check may hold the report up longer than this. */
const CHECK_TIMEOUT_MS = 3_000;
/** The lab restarts its registry at most this often, so a registry that cannot come back is not restarted in a loop. */
const REGISTRY_REPAIR_EVERY_MS = 2 * 60_000;

export interface HealthChecks {
  /** Each throws (or rejects) with what is wrong. */
  database(): Promise<void>;
  registry(): Promise<void>;
  sandboxRuntime(): Promise<void>;
  disk(): Promise<{ freeBytes: number; reserveBytes: number }>;
  admission(): { places: number; held: number; pool: number; waiting: number; capacity: Capacity | null };
  /** Brings the registry back (start or restart its container); bounded by the monitor. */
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
    if (registry.status === "down") registry.message += this.repairRegistry();
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
        (error) => void (this.lastRepair = `restarting it failed: ${reason(error)}`),
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
      const res = await fetch(`http://${config.LAYERLAB_REGISTRY}/v2/`, { signal: AbortSignal.timeout(CHECK_TIMEOUT_MS) });
      if (!res.ok) throw new Error(`answered ${res.status}`);
    },
    async sandboxRuntime() {
      await deps.listSandboxes();
    },
    async disk() {
      const space = await diskSpace(dataDir);
      return { freeBytes: space.freeBytes, reserveBytes: diskReserveBytes(space.totalBytes, { diskReservePct: config.LAYERLAB_DISK_RESERVE_PCT, diskReserveMb: config.LAYERLAB_DISK_RESERVE_MB }) };
    },
    admission: deps.admission,
    async repairRegistry() {
      // As scripts/images/build-all.sh keeps it: a stopped container is started; one running without answering
      // (hung, or its processes gone after the host was starved) is restarted. Each command is killed after 30 s.
      const state = await runHostCommand("podman", ["container", "inspect", "--format", "{{.State.Status}}", container], { killAfterMs: 30_000 });
      if (state.exitCode !== 0) throw new Error(`no container ${container}; run: bash scripts/images/build-all.sh registry`);
      const status = state.stdout.toString("utf8").trim();
      const [verb, args] =
        status === "running" ? ["restarted", ["restart", "-t", "2", container]] : status === "paused" ? ["unpaused", ["unpause", container]] : ["started", ["start", container]];
      const result = await runHostCommand("podman", args, { killAfterMs: 30_000 });
      if (result.exitCode !== 0) throw new Error(result.stderr.trim() || `podman exited ${result.exitCode}`);
      console.error(`layerlab health: the lab registry did not answer; ${verb} container ${container} (was ${status})`);
      return `${verb} by the lab at ${new Date().toISOString().slice(11, 19)} UTC`;
    },
  };
}
