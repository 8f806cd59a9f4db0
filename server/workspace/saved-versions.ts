import "server-only";
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import type { Config } from "@/lib/config";

/**
 * The editor's last saved version of each of a learner's exercise files, kept by the lab beside the sandbox, so a
 * sandbox lost with its disk (container and disk both gone) gives the learner their own files back, not only the
 * starting ones. The sandbox stays the truth: these are read only when it is gone. "Start over" forgets them
 * (fresh means fresh). Files under `<data dir>/saved/<learner hash>/<file hash>.json`, capped per learner (oldest
 * saves go first), since the editor saves files up to 1 MB each.
 */
export interface SavedVersion {
  workdir: string;
  path: string;
  content: string;
}

export interface SavedVersions {
  remember(learnerId: string, saved: SavedVersion): Promise<void>;
  /** The learner's saved versions, newest first. */
  list(learnerId: string): Promise<SavedVersion[]>;
  forget(learnerId: string): Promise<void>;
}

const record = z.object({ workdir: z.string(), path: z.string(), content: z.string(), savedAt: z.number() });

export function createSavedVersions(opts: { dir: string; maxBytesPerLearner: number; now?: () => number }): SavedVersions {
  const now = opts.now ?? Date.now;
  // Ids and paths are hashed so nothing a learner types names a path on the lab's disk.
  const hash = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 32);
  const folderOf = (learnerId: string) => path.join(opts.dir, hash(learnerId));

  async function entries(folder: string): Promise<{ file: string; bytes: number; savedAt: number }[]> {
    const names = await readdir(folder).catch(() => [] as string[]);
    const found = await Promise.all(
      names
        .filter((n) => n.endsWith(".json"))
        .map(async (name) => {
          const file = path.join(folder, name);
          const s = await stat(file).catch(() => null);
          return s ? { file, bytes: s.size, savedAt: s.mtimeMs } : null;
        }),
    );
    return found.filter((e) => e !== null).sort((a, b) => b.savedAt - a.savedAt);
  }

  return {
    async remember(learnerId, saved) {
      const folder = folderOf(learnerId);
      await mkdir(folder, { recursive: true, mode: 0o700 });
      const file = path.join(folder, `${hash(`${saved.workdir}\0${saved.path}`)}.json`);
      // Written aside and renamed: a crash never leaves half a file where a whole one was.
      await writeFile(`${file}.partial`, JSON.stringify({ ...saved, savedAt: now() }), { mode: 0o600 });
      await rename(`${file}.partial`, file);
      let total = 0;
      for (const entry of await entries(folder)) {
        total += entry.bytes;
        if (total > opts.maxBytesPerLearner) await rm(entry.file, { force: true });
      }
    },

    async list(learnerId) {
      const versions: SavedVersion[] = [];
      for (const entry of await entries(folderOf(learnerId))) {
        const parsed = record.safeParse(JSON.parse(await readFile(entry.file, "utf8").catch(() => "null")));
        if (parsed.success) versions.push({ workdir: parsed.data.workdir, path: parsed.data.path, content: parsed.data.content });
      }
      return versions;
    },

    async forget(learnerId) {
      await rm(folderOf(learnerId), { recursive: true, force: true });
    },
  };
}

/** 4 MB per learner: every exercise file of the course several times over (the largest is a few KB). */
const MAX_BYTES_PER_LEARNER = 4 * 1024 * 1024;

export function savedVersionsOf(config: Pick<Config, "LAYERLAB_DATA_DIR">): SavedVersions {
  return createSavedVersions({ dir: path.resolve(config.LAYERLAB_DATA_DIR, "saved"), maxBytesPerLearner: MAX_BYTES_PER_LEARNER });
}
