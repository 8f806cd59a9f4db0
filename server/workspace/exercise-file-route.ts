import "server-only";
import { z } from "zod";
import { MAX_FILE_BYTES, saveFileBodySchema, type SaveFileBody } from "@/lib/workspace/workspace-api";
import { parseJsonBody } from "@/lib/validations/parse-body";
import { HttpError } from "../auth/request-guard";
import { FileChangedError, readExerciseFile, writeExerciseFile, type ExerciseFolder } from "./exercise-workspace";
import type { SharedListings } from "./shared-listing";

/** What the chapter and drill file routes share: reading a file for the editor and saving the editor's text. */

const pathParams = z.object({ path: z.array(z.string()).min(1) });

// JSON may spell a character as \uXXXX (6 bytes), so the body of a 1 MB file can be larger than 1 MB;
// beyond this it is certainly too large and is refused before it is read.
const MAX_BODY_BYTES = 6 * MAX_FILE_BYTES + 1024;

/** The file a `/files/[...path]` route names, relative to the exercise folder. */
export function filePathFromParams(params: unknown): string {
  const parsed = pathParams.safeParse(params);
  if (!parsed.success) throw new HttpError(400, "Name a file after /files/.");
  return parsed.data.path.join("/");
}

/** One exercise file's text and the hash a later save must name. */
export async function fileResponse(folder: ExerciseFolder, path: string): Promise<Response> {
  return Response.json(await readExerciseFile(folder, path), { headers: { "cache-control": "no-store" } });
}

/** The editor's save, checked for size and shape before anything in the sandbox is looked up. */
export async function saveFileBody(request: Request): Promise<SaveFileBody> {
  const length = Number(request.headers.get("content-length") ?? NaN);
  if (!Number.isFinite(length)) throw new HttpError(411, "Send the file with a Content-Length header.");
  if (length > MAX_BODY_BYTES) throw new HttpError(413, `The file is larger than ${MAX_FILE_BYTES / 1024} KB; the editor saves files up to that size.`);
  const body = await parseJsonBody(request, saveFileBodySchema);
  if (!body.ok) throw new HttpError(400, body.error);
  return body.data;
}

/** Saves the editor's text into the sandbox; 409 when the file there is no longer the version the edits started from. */
export async function saveFileResponse(folder: ExerciseFolder, path: string, body: SaveFileBody, listings: SharedListings): Promise<Response> {
  try {
    const saved = await writeExerciseFile(folder, path, body.content, body.baseHash);
    listings.forget(folder.sandboxId);
    return Response.json(saved);
  } catch (error) {
    if (error instanceof FileChangedError) return Response.json({ error: error.message, currentHash: error.currentHash }, { status: 409 });
    throw error;
  }
}
