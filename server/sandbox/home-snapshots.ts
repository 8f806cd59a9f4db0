import "server-only";
import { createHash } from "node:crypto";
import { mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import {
  deleteHomeSnapshot,
  findHomeSnapshot,
  homeSnapshotsBefore,
  listHomeSnapshots,
  markHomeSnapshotFailed,
  saveHomeSnapshot,
  type HomeSnapshotRecord,
} from "@/server/db/home-snapshots";
import type { Config } from "@/lib/config";
import { capacityRules, diskReserveBytes } from "@/server/admission/capacity";
import { diskSpace, sandboxDiskGrowth } from "@/server/admission/host-readings";
import { createHomeArchiver, type HomeArchiver } from "./home-archive";

/**
 * What the sandbox manager needs to keep a learner's home past their sandbox: snapshot it before an
 * expired sandbox (or an ended workshop's) is destroyed, and put it back into their next sandbox.
 */
export interface HomeKeeper {
  /** Snapshots the home of the learner's sandbox (stopping it); a home over the cap keeps what fits, with a note. */
  keep(learnerId: string, sandboxId: string): Promise<void>;
  /** What the learner's next sandbox gets back: whether there is an archive to restore, and what to tell them. */
  pending(learnerId: string): Promise<{ restorable: boolean; note: string } | null>;
  /** Unpacks the learner's archive into their new (running) sandbox; the caller starts Docker and then calls discard. */
  restore(learnerId: string, sandboxId: string): Promise<void>;
  /** A restore failed: the archive stays (for the operator, until retention) but is not tried again. */
  restoreFailed(learnerId: string, reason: string): Promise<void>;
  /** Forgets the learner's snapshot and deletes its archive. */
  discard(learnerId: string): Promise<void>;
  /** Removes snapshots past the retention period and archives no record names (a crash while writing). */
  sweep(): Promise<void>;
}

export interface HomeSnapshotsOptions {
  /** Absolute directory of the archives (under the lab's data directory, on the disk admission counts). */
  dir: string;
  archiver: HomeArchiver;
  /** How long a snapshot waits for its learner; 0 turns keeping homes off. */
  retentionMs: number;
  /** Largest archive per learner. */
  maxBytes: number;
  /** Bytes the lab's disk can still give snapshots without eating into admission's reserve. */
  room?: () => Promise<number>;
  now?: () => number;
  log?: (message: string, error?: unknown) => void;
}

const MB = 1024 * 1024;
/** A file in the directory that no record names, younger than this, may be a snapshot being written. */
const ORPHAN_AGE_MS = 60 * 60_000;

export function createHomeSnapshots(opts: HomeSnapshotsOptions): HomeKeeper {
  const now = opts.now ?? Date.now;
  const log = opts.log ?? ((message, error) => console.error(`layerlab snapshots: ${message}`, error ?? ""));
  // Learner ids come from the database; hashed so no id can name a path.
  const fileOf = (learnerId: string) => `${createHash("sha256").update(learnerId).digest("hex").slice(0, 32)}.tar.zst`;
  const full = (file: string) => path.join(opts.dir, file);

  async function remove(record: HomeSnapshotRecord | null): Promise<void> {
    if (!record) return;
    if (record.file) await rm(full(record.file), { force: true });
    await deleteHomeSnapshot(record.learnerId);
  }

  return {
    async keep(learnerId, sandboxId) {
      if (opts.retentionMs <= 0) return;
      await mkdir(opts.dir, { recursive: true, mode: 0o700 });
      const file = fileOf(learnerId);
      const partial = full(`${file}.partial`);
      const previous = await findHomeSnapshot(learnerId);
      const previousBytes = previous?.file ? await stat(full(previous.file)).then((s) => s.size, () => 0) : 0;
      // The archive it replaces frees its space, so that counts as room too.
      const room = opts.room ? Math.max(0, (await opts.room()) + previousBytes) : Infinity;
      const limit = Math.min(opts.maxBytes, room);
      const why = limit < opts.maxBytes ? "space left on the lab's disk" : `lab's limit of ${Math.round(opts.maxBytes / MB)} MB per learner`;
      let state: HomeSnapshotRecord["state"] = "kept";
      let note = "";
      let bytes = await opts.archiver.save(sandboxId, partial, { maxBytes: limit });
      if (bytes === null) {
        state = "files";
        note = `your Docker images and build cache were over the ${why} and were not kept; your files are back`;
        bytes = await opts.archiver.save(sandboxId, partial, { maxBytes: limit, withoutDocker: true });
      }
      if (bytes === null) {
        state = "refused";
        note = `the files in your sandbox were over the ${why} and could not be kept, so this sandbox starts fresh`;
        await rm(full(file), { force: true });
      } else {
        await rename(partial, full(file));
      }
      await saveHomeSnapshot({ learnerId, file: bytes === null ? "" : file, kilobytes: Math.ceil((bytes ?? 0) / 1024), state, note, createdAt: new Date(now()) });
      if (state !== "kept") log(`home of learner ${learnerId} (sandbox ${sandboxId}): ${state}: ${note}`);
    },

    async pending(learnerId) {
      const record = await findHomeSnapshot(learnerId);
      if (!record || record.state === "failed" || record.createdAt.getTime() + opts.retentionMs <= now()) return null;
      const restorable = record.state !== "refused" && record.file !== "";
      return { restorable, note: record.note };
    },

    async restore(learnerId, sandboxId) {
      const record = await findHomeSnapshot(learnerId);
      if (!record?.file) throw new Error(`learner ${learnerId} has no kept home`);
      await opts.archiver.restore(sandboxId, full(record.file));
    },

    async restoreFailed(learnerId, reason) {
      await markHomeSnapshotFailed(learnerId, reason);
    },

    async discard(learnerId) {
      await remove(await findHomeSnapshot(learnerId));
    },

    async sweep() {
      // Retention 0 (homes not kept) clears what an earlier setting kept.
      for (const record of await homeSnapshotsBefore(new Date(now() - opts.retentionMs))) {
        await remove(record).catch((error) => log(`removing the expired snapshot of ${record.learnerId} failed`, error));
      }
      const named = new Set((await listHomeSnapshots()).map((r) => r.file));
      const files = await readdir(opts.dir).catch(() => [] as string[]);
      for (const name of files.filter((f) => !named.has(f))) {
        // File times are the host's clock, not the lab's (which tests move).
        const age = Date.now() - (await stat(full(name)).then((s) => s.mtimeMs, () => Date.now()));
        if (age >= ORPHAN_AGE_MS) await rm(full(name), { force: true });
      }
    },
  };
}

/** Where the lab keeps homes: `<data dir>/snapshots`, on the disk admission reads. */
export function snapshotDir(config: Config): string {
  return path.resolve(config.LAYERLAB_DATA_DIR, "snapshots");
}

/**
 * The lab's home keeper from its configuration: snapshots of the sandboxes' disks in `diskDir`, never
 * taking space admission keeps: its reserve, and what the sandboxes' sparse disks may still grow into
 * (a loop-mounted disk whose file cannot grow on the host fails with I/O errors inside the sandbox).
 */
export function labHomeSnapshots(config: Config, diskDir: string): HomeKeeper {
  const dir = snapshotDir(config);
  const rules = capacityRules(config);
  return createHomeSnapshots({
    dir,
    archiver: createHomeArchiver({ diskDir }),
    retentionMs: config.LAYERLAB_SNAPSHOT_RETENTION_DAYS * 24 * 60 * 60_000,
    maxBytes: config.LAYERLAB_SNAPSHOT_MAX_MB * MB,
    room: async () => {
      const [disk, disks] = await Promise.all([diskSpace(path.resolve(config.LAYERLAB_DATA_DIR)), sandboxDiskGrowth(diskDir)]);
      return disk.freeBytes - diskReserveBytes(disk.totalBytes, rules) - disks.growthBytes;
    },
  });
}
