import "server-only";
import { readdir, readFile, stat, statfs } from "node:fs/promises";
import { availableParallelism } from "node:os";
import path from "node:path";
import type { HostReadings } from "./capacity";

/** Free and total bytes of the file system holding `dir` (what an unprivileged writer may use). */
export async function diskSpace(dir: string): Promise<{ totalBytes: number; freeBytes: number }> {
  const fs = await statfs(dir);
  return { totalBytes: fs.blocks * fs.bsize, freeBytes: fs.bavail * fs.bsize };
}

/** MemTotal from /proc/meminfo, in MB. */
export async function memTotalMb(): Promise<number> {
  const meminfo = await readFile("/proc/meminfo", "utf8");
  const kb = /^MemTotal:\s+(\d+) kB$/m.exec(meminfo);
  if (!kb) throw new Error("/proc/meminfo has no MemTotal line");
  return Math.floor(Number(kb[1]) / 1024);
}

/**
 * The sandbox disk images (`<id>.img`, sparse, see server/sandbox/sandbox-disk.ts) in `diskDir`, and how
 * much more host space they may still take: apparent size minus the blocks already allocated.
 */
export async function sandboxDiskGrowth(diskDir: string): Promise<{ count: number; growthBytes: number }> {
  const names = await readdir(diskDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [] as string[];
    throw error;
  });
  let count = 0;
  let growthBytes = 0;
  for (const name of names.filter((n) => n.endsWith(".img"))) {
    // Removed between readdir and stat: it takes nothing any more.
    const s = await stat(path.join(diskDir, name)).catch(() => null);
    if (!s) continue;
    count++;
    growthBytes += Math.max(0, s.size - s.blocks * 512);
  }
  return { count, growthBytes };
}

/** The kept homes' archives in `dir` (server/sandbox/home-snapshots.ts): how many, and the bytes they take. */
export async function snapshotUsage(dir: string): Promise<{ count: number; bytes: number }> {
  const names = await readdir(dir).catch(() => [] as string[]);
  let count = 0;
  let bytes = 0;
  for (const name of names) {
    const s = await stat(path.join(dir, name)).catch(() => null);
    if (!s?.isFile()) continue;
    count++;
    bytes += s.blocks * 512;
  }
  return { count, bytes };
}

/** Everything the capacity arithmetic needs, read from the host now. */
export async function readHost(dataDir: string, diskDir: string): Promise<HostReadings> {
  const [mem, disk, sandboxDisks, snapshots] = await Promise.all([memTotalMb(), diskSpace(dataDir), sandboxDiskGrowth(diskDir), snapshotUsage(path.join(dataDir, "snapshots"))]);
  return { memTotalMb: mem, cpuCount: availableParallelism(), disk, sandboxDisks, snapshots };
}
