import type { Config } from "@/lib/config";

/**
 * How many sandboxes the lab may run at once, from what the host has: pure arithmetic over readings
 * taken elsewhere (host-readings.ts), so every rule is unit-tested.
 */

const MB = 1024 * 1024;

export interface CapacityRules {
  perSandbox: { memoryMb: number; cpus: number; diskMb: number };
  memoryReserveMb: number;
  memoryOvercommit: number;
  cpuOvercommit: number;
  diskReservePct: number;
  diskReserveMb: number;
  /** 0: no cap beyond the host's. */
  maxSandboxes: number;
}

export interface HostReadings {
  memTotalMb: number;
  cpuCount: number;
  /** The file system holding the data directory (the database and the sandbox disks). */
  disk: { totalBytes: number; freeBytes: number };
  /** The sandbox disk files found: how many, and how much more they may still take (apparent size − allocated). */
  sandboxDisks: { count: number; growthBytes: number };
  /**
   * Kept homes of expired sandboxes (server/sandbox/home-snapshots.ts). Their bytes are already out of the
   * free space; they are read to be reported, and the snapshot store itself never writes into the reserve
   * or the disks' growth.
   */
  snapshots?: { count: number; bytes: number };
}

export type CapacityLimit = "memory" | "cpu" | "disk" | "max";

export interface Capacity {
  /** Sandboxes the lab may run at once (pool and learners'), never negative. */
  places: number;
  limitedBy: CapacityLimit;
  byMemory: number;
  byCpu: number;
  byDisk: number;
  diskFreeBytes: number;
  diskReserveBytes: number;
  /** What the sandboxes' sparse disks may still take from the free space. */
  diskCommittedBytes: number;
  /** What kept homes take (already out of the free space). */
  snapshotBytes: number;
}

export function capacityRules(config: Config): CapacityRules {
  return {
    perSandbox: { memoryMb: config.LAYERLAB_SANDBOX_MEMORY_MB, cpus: config.LAYERLAB_SANDBOX_CPUS, diskMb: config.LAYERLAB_SANDBOX_DISK_MB },
    memoryReserveMb: config.LAYERLAB_MEMORY_RESERVE_MB,
    memoryOvercommit: config.LAYERLAB_MEMORY_OVERCOMMIT,
    cpuOvercommit: config.LAYERLAB_CPU_OVERCOMMIT,
    diskReservePct: config.LAYERLAB_DISK_RESERVE_PCT,
    diskReserveMb: config.LAYERLAB_DISK_RESERVE_MB,
    maxSandboxes: config.LAYERLAB_MAX_SANDBOXES,
  };
}

/** Free space the lab never lets sandbox disks take: the larger of a share of the disk and a fixed amount. */
export function diskReserveBytes(totalBytes: number, rules: Pick<CapacityRules, "diskReservePct" | "diskReserveMb">): number {
  return Math.max(Math.ceil((totalBytes * rules.diskReservePct) / 100), rules.diskReserveMb * MB);
}

/**
 * Places for sandboxes, given `sandboxes` already running or being made. Memory and CPU count limits
 * (what every sandbox may take at once) against the host with its reserve and overcommit. Disk counts
 * what each sparse disk could still grow to: a new sandbox is allowed only while free space, minus all
 * that growth and the new disk's full size, stays above the reserve. A sandbox whose disk file does not
 * exist yet (being created) counts at its full size.
 */
export function labCapacity(readings: HostReadings, rules: CapacityRules, sandboxes: number): Capacity {
  const { memoryMb, cpus, diskMb } = rules.perSandbox;
  const byMemory = Math.max(0, Math.floor(((readings.memTotalMb - rules.memoryReserveMb) * rules.memoryOvercommit) / memoryMb));
  const byCpu = Math.max(0, Math.floor((readings.cpuCount * rules.cpuOvercommit) / cpus + 1e-9));
  const reserve = diskReserveBytes(readings.disk.totalBytes, rules);
  const diskBytes = diskMb * MB;
  const committed = readings.sandboxDisks.growthBytes + Math.max(0, sandboxes - readings.sandboxDisks.count) * diskBytes;
  const room = readings.disk.freeBytes - reserve - committed;
  const byDisk = Math.max(0, sandboxes + Math.floor(room / diskBytes));
  const limits: [CapacityLimit, number][] = [
    ["memory", byMemory],
    ["cpu", byCpu],
    ["disk", byDisk],
  ];
  if (rules.maxSandboxes > 0) limits.push(["max", rules.maxSandboxes]);
  const [limitedBy, places] = limits.reduce((least, next) => (next[1] < least[1] ? next : least));
  return {
    places,
    limitedBy,
    byMemory,
    byCpu,
    byDisk,
    diskFreeBytes: readings.disk.freeBytes,
    diskReserveBytes: reserve,
    diskCommittedBytes: committed,
    snapshotBytes: readings.snapshots?.bytes ?? 0,
  };
}

/** The capacity in a sentence, for the health endpoint and the log. */
export function describeCapacity(c: Capacity): string {
  const gb = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  const why: Record<CapacityLimit, string> = {
    memory: "memory",
    cpu: "CPU",
    disk: `disk (${gb(c.diskFreeBytes)} free, ${gb(c.diskReserveBytes)} kept in reserve, ${gb(c.diskCommittedBytes)} promised to sandbox disks, ${gb(c.snapshotBytes)} taken by kept homes)`,
    max: "LAYERLAB_MAX_SANDBOXES",
  };
  return `room for ${c.places} sandbox${c.places === 1 ? "" : "es"}, limited by ${why[c.limitedBy]}`;
}
