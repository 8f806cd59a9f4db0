/**
 * Which paths the editor may touch: files named relative to a chapter's workdir, never outside it.
 * This is the lexical half of the rule; symlinks can only be judged inside the sandbox, where
 * `realpath` runs before every read and write (server/workspace/exercise-workspace.ts).
 */

export type ExercisePathResult = { ok: true; relative: string; absolute: string } | { ok: false; error: string };

/** Longest relative path accepted; Linux allows 4096 bytes, a lesson never needs near that. */
export const MAX_PATH_LENGTH = 512;

// Control characters would let a name smuggle a newline into the line-based answers of the sandbox scripts.
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Checks a learner-supplied relative path and joins it to the (absolute) workdir. */
export function resolveExercisePath(workdir: string, relative: string): ExercisePathResult {
  if (relative.length === 0) return { ok: false, error: "The file path is empty." };
  if (relative.length > MAX_PATH_LENGTH) return { ok: false, error: `The file path is longer than ${MAX_PATH_LENGTH} characters.` };
  if (CONTROL.test(relative)) return { ok: false, error: "The file path contains control characters." };
  if (relative.startsWith("/")) return { ok: false, error: `"${relative}" is absolute; name files relative to the exercise folder.` };
  if (relative.endsWith("/")) return { ok: false, error: `"${relative}" names a folder, not a file.` };
  const segments = relative.split("/");
  for (const segment of segments) {
    if (segment === "..") return { ok: false, error: `"${relative}" leaves the exercise folder ("..").` };
    if (segment === "" || segment === ".") return { ok: false, error: `"${relative}" has an empty or "." part; write it plainly (e.g. app/main.go).` };
  }
  return { ok: true, relative, absolute: `${normalizeWorkdir(workdir)}/${relative}` };
}

/** The workdir without a trailing slash; it must be absolute and itself free of "." and ".." parts. */
export function normalizeWorkdir(workdir: string): string {
  const trimmed = workdir.length > 1 ? workdir.replace(/\/+$/, "") : workdir;
  if (!trimmed.startsWith("/") || trimmed === "/") throw new Error(`workdir "${workdir}" must be an absolute folder below /`);
  if (trimmed.split("/").slice(1).some((s) => s === "" || s === "." || s === ".." || CONTROL.test(s))) {
    throw new Error(`workdir "${workdir}" must be a plain absolute path`);
  }
  return trimmed;
}
