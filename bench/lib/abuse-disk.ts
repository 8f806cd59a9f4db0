/**
 * The disk half of the abuse benchmark: a learner fills their sandbox's disk to ENOSPC and deletes it all,
 * and the host must get the space back (issue 9, "Disk that gives space back").
 *
 * Its own sandbox (its own lab instance and disk directory, removed afterwards) with a 2 GB disk, so the
 * fill really ends in ENOSPC without costing the machine much. Space is the blocks allocated to the disk's
 * sparse backing file (stat blocks, not its apparent size), which nothing else on the host moves.
 * Load server modules the way the other benchmarks do (node --import ./server/register.mjs).
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, stat } from "node:fs/promises";
import path from "node:path";
import { parseConfig } from "../../lib/config";
import { createPodmanDriver } from "../../server/sandbox/podman-driver";
import { sandboxDisk } from "../../server/sandbox/sandbox-disk";

export interface DiskReclaim {
  /** Of the host space the fill took, how much came back after the delete. */
  disk_reclaimed_pct: number;
  /** Host space the fill took (MB). */
  disk_filled_mb: number;
  /** From the end of `rm` inside the sandbox to the allocation back within 1 % of the fill (or the deadline, 120 s). */
  reclaim_s: number;
  method: string;
}

const DISK_MB = 2048;
const DEADLINE_MS = 120_000;

export async function measureDiskReclaim(): Promise<DiskReclaim> {
  const config = parseConfig(process.env);
  const diskDir = await mkdtemp("/var/tmp/layerlab-bench-disk-");
  const driver = createPodmanDriver({
    image: config.LAYERLAB_SANDBOX_IMAGE,
    network: config.LAYERLAB_NETWORK,
    registry: config.LAYERLAB_REGISTRY,
    diskDir,
    instance: `bench-disk-${randomBytes(3).toString("hex")}`,
  });
  let id: string | null = null;
  try {
    ({ id } = await driver.create({ labels: {}, limits: { memoryMb: 512, cpus: 1, pids: 256, diskMb: DISK_MB } }));
    const image = sandboxDisk(diskDir, id).image;
    const allocated = async () => (await stat(image)).blocks * 512;
    const sh = (script: string) => driver.exec(id!, ["bash", "-c", script], { user: "learner", timeoutMs: 300_000 });

    const before = await allocated();
    const fill = await sh("dd if=/dev/zero of=$HOME/fill bs=1M status=none; sync; df --output=pcent $HOME | tail -1");
    if (!fill.stderr.includes("No space left on device")) throw new Error(`the fill did not end in ENOSPC: ${fill.stderr}`);
    const full = await allocated();
    const filled = full - before;
    if (filled < (DISK_MB / 2) * 1024 * 1024) throw new Error(`the fill took only ${Math.round(filled / 1048576)} MB of host space`);

    const removed = await sh("rm $HOME/fill && sync");
    if (removed.exitCode !== 0) throw new Error(`rm in the sandbox failed: ${removed.stderr}`);
    const deleted = Date.now();
    let now = full;
    while (Date.now() - deleted < DEADLINE_MS) {
      now = await allocated();
      if (now - before <= filled / 100) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const reclaimS = (Date.now() - deleted) / 1000;
    return {
      disk_reclaimed_pct: Math.round(((full - now) / filled) * 1000) / 10,
      disk_filled_mb: Math.round(filled / 1048576),
      reclaim_s: Math.round(reclaimS * 10) / 10,
      method:
        `own sandbox with a ${DISK_MB} MB disk: dd /dev/zero to ENOSPC in the learner's home, then rm; host space = ` +
        `allocated blocks (stat) of the disk's sparse backing file, polled every 250 ms for up to ${DEADLINE_MS / 1000} s ` +
        `after rm returned; reclaimed = freed / filled (ext4 mounted with discard on a loop device, which punches the holes)`,
    };
  } finally {
    if (id) await driver.destroy(id);
    await rm(path.resolve(diskDir), { recursive: true, force: true });
  }
}
