import "server-only";
import { createHash } from "node:crypto";
import { normalizeWorkdir, resolveExercisePath } from "@/lib/workspace/exercise-path";
import { MAX_FILE_BYTES, type FileContent, type FileEntry, type SavedFile } from "@/lib/workspace/workspace-api";
import { HttpError } from "../http/http-error";
import { SandboxUnavailableError, type ExecResult, type SandboxDriver } from "../sandbox/driver";

/**
 * The exercise files of one chapter inside one learner's sandbox. Every operation is a single exec as
 * `learner` (so the sandbox's own permissions apply) running a short script that resolves the path with
 * `realpath` and refuses anything that lands outside the workdir: that is how a symlink made in the
 * terminal (`ln -s /etc Dockerfile`) cannot lead the editor out. One exec each also keeps the 2-second
 * change poll cheap.
 */
export interface ExerciseFolder {
  driver: SandboxDriver;
  sandboxId: string;
  /** Absolute, under /home/learner. */
  workdir: string;
}

/** The sandbox cannot be reached (stopped while idle, removed, or not answering): nothing was read or written. */
export class SandboxNotRunningError extends HttpError {
  constructor(message = "Your sandbox is not running right now (it was stopped or removed). Start it again with the button in the editor or by reloading the page; the files you saved are kept.") {
    super(503, message);
  }
}

/**
 * The sandbox went down under a command the lab was running in it: the command died of SIGKILL (exit 137) because
 * the sandbox was killed or stopped, or its memory ran out. The lab revives it with its disk; the editor's next
 * poll finds it again. Nothing is known to be lost, but a save at that moment may not have been written.
 */
export class SandboxRestartingError extends HttpError {
  constructor() {
    super(
      503,
      "Your sandbox is restarting (it was stopped or ran out of memory). Your files are kept; the editor reconnects by itself in a moment. If you were saving, save again once it is back.",
      "sandbox_restarting",
    );
  }
}

/**
 * What an exec's outcome says about the sandbox rather than about the script: no answer in time, or killed with
 * the sandbox (exit 137; the scripts here never send SIGKILL themselves). Null: the script answered.
 */
export function sandboxFailureOf(result: Pick<ExecResult, "exitCode" | "timedOut">): HttpError | null {
  if (result.timedOut) return new SandboxNotRunningError("Your sandbox did not answer in time (is it very busy?). Nothing was changed; try again in a moment.");
  if (result.exitCode === 137) return new SandboxRestartingError();
  return null;
}

/** A save refused because the sandbox holds a different version than the one the edits started from. */
export class FileChangedError extends HttpError {
  constructor(
    readonly path: string,
    readonly currentHash: string | null,
  ) {
    super(
      409,
      currentHash === null
        ? `${path} was deleted in the sandbox since you opened it; save again to put your version back.`
        : `${path} was changed in the sandbox (from the terminal?) since you opened it; your save was not written.`,
    );
  }
}

const EXEC_TIMEOUT_MS = 20_000;

// Exit codes of the scripts below, clear of those sh (1, 2, 126, 127), timeout (124) and podman (125) use.
const OUTSIDE = 13;
const ABSENT = 14;
const NOT_A_FILE = 15;
const TOO_LARGE = 16;
const CHANGED = 17;
const WRITE_FAILED = 18;

/** Shared by every script: $1 is the workdir; `inside` accepts only paths strictly below it. */
const PRELUDE = `
set -u
workdir=$1; shift
inside() { case "$1" in "$workdir"/*) return 0;; *) return 1;; esac; }
`;

const LIST_SCRIPT = `${PRELUDE}
for rel in "$@"; do
  if ! real=$(realpath -m -- "$workdir/$rel" 2>/dev/null); then printf 'refused\\t%s\\tit is a symlink loop\\n' "$rel"; continue; fi
  if ! inside "$real"; then printf 'refused\\t%s\\tit is a symlink that leads out of the exercise folder\\n' "$rel"; continue; fi
  if [ ! -e "$real" ]; then printf 'absent\\t%s\\n' "$rel"; continue; fi
  if [ ! -f "$real" ]; then printf 'refused\\t%s\\tit is not a regular file\\n' "$rel"; continue; fi
  meta=$(stat -c '%s %Y' -- "$real") || continue
  hash=$(sha256sum < "$real") || continue
  printf 'file\\t%s\\t%s\\t%s\\t%s\\n' "$rel" "\${hash%% *}" "\${meta% *}" "\${meta#* }"
done
`;

const READ_SCRIPT = `${PRELUDE}
real=$(realpath -m -- "$workdir/$1" 2>/dev/null) || exit ${OUTSIDE}
inside "$real" || exit ${OUTSIDE}
[ -e "$real" ] || exit ${ABSENT}
[ -f "$real" ] || exit ${NOT_A_FILE}
meta=$(stat -c '%s %Y' -- "$real") || exit 1
[ "\${meta%% *}" -le "$2" ] || { echo "\${meta%% *}"; exit ${TOO_LARGE}; }
echo "$meta"
base64 -w0 < "$real"
`;

// The new content arrives on stdin; it is written beside the file and renamed over it, so a build
// running at that moment sees the old file or the new one, never half of it.
const WRITE_SCRIPT = `${PRELUDE}
refuse() { cat >/dev/null; exit "$1"; }
real=$(realpath -m -- "$workdir/$1" 2>/dev/null) || refuse ${OUTSIDE}
inside "$real" || refuse ${OUTSIDE}
if [ -e "$real" ]; then
  [ -f "$real" ] || refuse ${NOT_A_FILE}
  current=$(sha256sum < "$real") || refuse ${WRITE_FAILED}
  current=\${current%% *}
else
  current=absent
fi
[ "$current" = "$2" ] || { echo "$current"; refuse ${CHANGED}; }
dir=$(dirname -- "$real")
mkdir -p -- "$dir" || refuse ${WRITE_FAILED}
tmp=$(mktemp -- "$dir/.layerlab-save.XXXXXX") || refuse ${WRITE_FAILED}
if ! cat > "$tmp"; then rm -f -- "$tmp"; exit ${WRITE_FAILED}; fi
if [ -e "$real" ]; then chmod --reference="$real" -- "$tmp"; else chmod 644 -- "$tmp"; fi
mv -f -- "$tmp" "$real" || { rm -f -- "$tmp"; exit ${WRITE_FAILED}; }
stat -c '%s %Y' -- "$real"
`;

// Read by \`sh -s\` from stdin: the contents travel as here-documents of base64, the paths as arguments,
// so nothing a chapter author writes is ever parsed as shell. \`set -C\` creates without overwriting.
const PLACE_PRELUDE = `${PRELUDE}
mkdir -p -- "$workdir" || exit ${WRITE_FAILED}
place() {
  p="$workdir/$1"
  if [ -e "$p" ] || [ -L "$p" ]; then printf 'kept\\t%s\\n' "$1"; return; fi
  real=$(realpath -m -- "$p" 2>/dev/null) && inside "$real" || { printf 'refused\\t%s\\n' "$1"; return; }
  mkdir -p -- "$(dirname -- "$real")" || exit ${WRITE_FAILED}
  if (set -C; base64 -d > "$real") 2>/dev/null; then printf 'placed\\t%s\\n' "$1"; else printf 'kept\\t%s\\n' "$1"; fi
}
`;

function sha256(data: Buffer | string): string {
  return createHash("sha256").update(data).digest("hex");
}

function checkedPath(folder: ExerciseFolder, relative: string): string {
  const resolved = resolveExercisePath(folder.workdir, relative);
  if (!resolved.ok) throw new HttpError(400, resolved.error);
  return resolved.relative;
}

async function run(folder: ExerciseFolder, command: string[], stdin?: string | Buffer): Promise<ExecResult> {
  let result: ExecResult;
  try {
    result = await folder.driver.exec(folder.sandboxId, command, { user: "learner", stdin, timeoutMs: EXEC_TIMEOUT_MS });
  } catch (error) {
    if (error instanceof SandboxUnavailableError) throw new SandboxNotRunningError();
    throw error;
  }
  const down = sandboxFailureOf(result);
  if (down) throw down;
  return result;
}

function firstLine(text: string): string {
  return text.trim().split("\n")[0]?.slice(0, 200) ?? "";
}

function failure(what: string, result: ExecResult): Error {
  return new Error(`${what} failed in the sandbox (exit ${result.exitCode}): ${firstLine(result.stderr)}`);
}

function parseMeta(line: string): { size: number; mtimeMs: number } {
  const [size, mtime] = line.trim().split(/\s+/).map(Number);
  return { size, mtimeMs: mtime * 1000 };
}

/** Puts the chapter's starting files into the workdir where no file of that name exists yet; learner work is never overwritten. */
export async function placeExerciseFiles(
  folder: ExerciseFolder,
  files: { path: string; content: string }[],
): Promise<{ placed: string[]; kept: string[] }> {
  const workdir = normalizeWorkdir(folder.workdir);
  const paths = files.map((f) => checkedPath(folder, f.path));
  const script =
    PLACE_PRELUDE +
    files
      .map((f) => `place "$1" <<'LAYERLAB_EOF'\n${Buffer.from(f.content).toString("base64").replace(/.{76}/g, "$&\n")}\nLAYERLAB_EOF\nshift\n`)
      .join("");
  const result = await run(folder, ["sh", "-s", "--", workdir, ...paths], script);
  if (result.exitCode !== 0) throw failure("Placing the exercise files", result);
  const placed: string[] = [];
  const kept: string[] = [];
  for (const line of result.stdout.split("\n")) {
    const [outcome, path] = line.split("\t");
    if (outcome === "placed") placed.push(path);
    else if (outcome === "kept") kept.push(path);
    else if (outcome === "refused") {
      throw new HttpError(409, `The exercise file ${path} would land outside ${workdir} through a symlink there, so it was not put in place. Remove that symlink and reload the page.`);
    }
  }
  return { placed, kept };
}

/** What the sandbox holds for each of the given files now: the cheap listing the editor polls. */
export async function listExerciseFiles(folder: ExerciseFolder, relatives: string[]): Promise<FileEntry[]> {
  const paths = relatives.map((p) => checkedPath(folder, p));
  const result = await run(folder, ["sh", "-c", LIST_SCRIPT, "sh", normalizeWorkdir(folder.workdir), ...paths]);
  if (result.exitCode !== 0) throw failure("Listing the exercise files", result);
  const byPath = new Map<string, FileEntry>();
  for (const line of result.stdout.split("\n")) {
    const [kind, path, ...rest] = line.split("\t");
    if (kind === "file") byPath.set(path, { kind, path, hash: rest[0], size: Number(rest[1]), mtimeMs: Number(rest[2]) * 1000 });
    else if (kind === "absent") byPath.set(path, { kind, path });
    else if (kind === "refused") byPath.set(path, { kind, path, reason: rest[0] });
  }
  // A file whose stat failed mid-listing (deleted that instant) reads as absent; the next poll settles it.
  return paths.map((path) => byPath.get(path) ?? { kind: "absent", path });
}

export async function readExerciseFile(folder: ExerciseFolder, relative: string): Promise<FileContent> {
  const path = checkedPath(folder, relative);
  const result = await run(folder, ["sh", "-c", READ_SCRIPT, "sh", normalizeWorkdir(folder.workdir), path, String(MAX_FILE_BYTES)]);
  switch (result.exitCode) {
    case 0:
      break;
    case OUTSIDE:
      throw new HttpError(403, `${path} leads out of the exercise folder (a symlink?); the editor opens only files inside it.`);
    case ABSENT:
      throw new HttpError(404, `${path} does not exist in your sandbox.`);
    case NOT_A_FILE:
      throw new HttpError(422, `${path} is not a regular file.`);
    case TOO_LARGE:
      throw new HttpError(413, `${path} is ${Math.ceil(Number(result.stdout) / 1024)} KB; the editor opens files up to ${MAX_FILE_BYTES / 1024} KB. Use the terminal for it.`);
    default:
      throw failure(`Reading ${path}`, result);
  }
  const newline = result.stdout.indexOf("\n");
  const { size, mtimeMs } = parseMeta(result.stdout.slice(0, newline));
  const bytes = Buffer.from(result.stdout.slice(newline + 1), "base64");
  let content: string;
  try {
    content = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new HttpError(422, `${path} is not UTF-8 text; the editor would damage it. Use the terminal for it.`);
  }
  // The hash is of exactly the bytes returned, so a save based on them is judged against what the learner saw.
  return { path, hash: sha256(bytes), content, size, mtimeMs };
}

/** Saves the editor's text, unless the sandbox no longer holds the version `baseHash` names (then FileChangedError). */
export async function writeExerciseFile(folder: ExerciseFolder, relative: string, content: string, baseHash: string | null): Promise<SavedFile> {
  const path = checkedPath(folder, relative);
  const bytes = Buffer.from(content, "utf8");
  if (bytes.length > MAX_FILE_BYTES) throw new HttpError(413, `The file is larger than ${MAX_FILE_BYTES / 1024} KB; the editor saves files up to that size.`);
  const workdir = normalizeWorkdir(folder.workdir);
  const result = await run(folder, ["sh", "-c", WRITE_SCRIPT, "sh", workdir, path, baseHash ?? "absent"], bytes);
  switch (result.exitCode) {
    case 0:
      return { path, hash: sha256(bytes), ...parseMeta(result.stdout) };
    case OUTSIDE:
      throw new HttpError(403, `${path} leads out of the exercise folder (a symlink?); the editor saves only inside it.`);
    case NOT_A_FILE:
      throw new HttpError(422, `${path} is not a regular file; nothing was written.`);
    case CHANGED: {
      const current = result.stdout.trim();
      throw new FileChangedError(path, current === "absent" ? null : current);
    }
    case WRITE_FAILED:
      throw new HttpError(500, `Could not write ${path} in your sandbox (${firstLine(result.stderr) || "is the disk full?"}); nothing was changed.`);
    default:
      throw failure(`Saving ${path}`, result);
  }
}
