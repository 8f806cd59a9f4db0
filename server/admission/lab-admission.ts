import "server-only";
import path from "node:path";
import type { Config } from "@/lib/config";
import { enforceLimit, RateLimiter, type BucketRule } from "@/server/auth/rate-limit";
import type { AdmissionPolicy } from "@/server/sandbox/sandbox-manager";
import { runningWorkshopOf, runningWorkshopSeats } from "@/server/workshop/workshop-seats";
import { capacityRules, labCapacity, type Capacity, type HostReadings } from "./capacity";
import { readHost } from "./host-readings";

/**
 * Sandbox starts per address (a start: a learner who has no sandbox gets one; a reset keeps its place and
 * is not counted). A room of 60 behind one NAT address all opening their first chapter within the same
 * minute fits in the burst of 90 (30 to spare for people who clear their cookies); after that one more
 * start every 2 s (30 a minute). What one address can do beyond that is start sandboxes that sit in line:
 * the lab's capacity, not this limit, bounds how many run.
 */
export const SANDBOX_START_LIMIT: BucketRule = { burst: 90, refillMs: 2_000 };

/** Host readings are reused this long: a burst of starts (or of queue checks) reads the host once. */
const READINGS_TTL_MS = 2_000;
/** Workshops' seats change when one starts, ends or someone joins: a place freed by an ending workshop waits at most this long. */
const SEATS_TTL_MS = 2_000;

export interface LabAdmission extends AdmissionPolicy {
  /** The capacity as last computed (null before the first reading). */
  lastCapacity(): Capacity | null;
}

function cached<T>(ttlMs: number, read: () => Promise<T>, now: () => number): () => Promise<T> {
  let value: { at: number; promise: Promise<T> } | undefined;
  return () => {
    if (!value || now() - value.at > ttlMs) {
      const promise = read();
      value = { at: now(), promise };
      // A failed reading is not kept: the next call tries again.
      promise.catch(() => {
        if (value?.promise === promise) value = undefined;
      });
    }
    return value.promise;
  };
}

export function createLabAdmission(
  config: Config,
  deps: { diskDir?: string; readHost?: () => Promise<HostReadings>; now?: () => number } = {},
): LabAdmission {
  const now = deps.now ?? Date.now;
  const rules = capacityRules(config);
  const dataDir = path.resolve(config.LAYERLAB_DATA_DIR);
  // Where the driver puts the sandbox disks (server/lab.ts: <data dir>/disks).
  const diskDir = deps.diskDir ?? path.join(dataDir, "disks");
  const readings = cached(READINGS_TTL_MS, deps.readHost ?? (() => readHost(dataDir, diskDir)), now);
  const seats = cached(SEATS_TTL_MS, () => runningWorkshopSeats(), now);
  const starts = new RateLimiter(SANDBOX_START_LIMIT, now);
  let last: Capacity | null = null;
  return {
    async places(sandboxes) {
      last = labCapacity(await readings(), rules, sandboxes);
      return last.places;
    },
    workshopOf: (learnerId) => runningWorkshopOf(learnerId),
    seats,
    startAllowed: (address) => enforceLimit(starts, address, "sandbox starts"),
    lastCapacity: () => last,
  };
}
