import "server-only";
import type { FileEntry } from "@/lib/workspace/workspace-api";

/**
 * Listings are the editor's change poll, and each one is an exec in the sandbox (~0.25 s of podman work).
 * Two open tabs of one learner, or a poll landing just after another, share one listing instead of each
 * paying for their own. One per lab runtime (server/lab.ts).
 */
const FRESH_MS = 1000;

interface Entry {
  at: number;
  files: Promise<FileEntry[]>;
}

export function listingKey(sandboxId: string, chapterId: string): string {
  return `${sandboxId}\n${chapterId}`;
}

export class SharedListings {
  private readonly entries = new Map<string, Entry>();

  /** A listing no older than a second, or a fresh one from `load`. A failed listing is never reused. */
  get(key: string, load: () => Promise<FileEntry[]>): Promise<FileEntry[]> {
    const now = Date.now();
    const map = this.entries;
    for (const [k, e] of map) if (now - e.at > FRESH_MS) map.delete(k);
    const cached = map.get(key);
    if (cached) return cached.files;
    const files = load();
    map.set(key, { at: now, files });
    files.catch(() => {
      if (map.get(key)?.files === files) map.delete(key);
    });
    return files;
  }

  /** After a save the sandbox has changed (for every chapter sharing its folder): the next poll must look again. */
  forget(sandboxId: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(`${sandboxId}\n`)) this.entries.delete(key);
  }
}
