import type { z } from "zod";
import {
  errorBodySchema,
  fileContentSchema,
  fileListSchema,
  saveRefusedSchema,
  savedFileSchema,
  startEventSchema,
  type ExerciseFileList,
  type FileContent,
  type SaveFileBody,
  type SavedFile,
  type StartEvent,
} from "@/lib/workspace/workspace-api";

/** The browser side of the exercise-file routes: typed calls whose answers are checked before use. */

export class WorkspaceRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export type SaveOutcome = { saved: SavedFile } | { refused: { currentHash: string | null } };

/** Where a chapter's workspace routes live; a drill's live under /api/drills/<id> and answer the same way. */
export function chapterApi(chapterId: string): string {
  return `/api/chapters/${encodeURIComponent(chapterId)}`;
}

function filesUrl(api: string, path?: string): string {
  const base = `${api}/files`;
  return path === undefined ? base : `${base}/${path.split("/").map(encodeURIComponent).join("/")}`;
}

async function request(url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { cache: "no-store", ...init });
  } catch {
    throw new WorkspaceRequestError(0, "Could not reach the lab server. Check your connection; your edits are still here.");
  }
}

async function errorFrom(res: Response): Promise<WorkspaceRequestError> {
  const body = errorBodySchema.safeParse(await res.json().catch(() => null));
  return new WorkspaceRequestError(res.status, body.success ? body.data.error : `The server answered ${res.status}.`);
}

async function parsed<S extends z.ZodType>(res: Response, schema: S): Promise<z.infer<S>> {
  if (!res.ok) throw await errorFrom(res);
  const body = schema.safeParse(await res.json().catch(() => null));
  if (!body.success) throw new WorkspaceRequestError(res.status, "The server sent an answer the editor does not understand; reload the page.");
  return body.data;
}

export async function fetchFileList(api: string): Promise<ExerciseFileList> {
  return parsed(await request(filesUrl(api)), fileListSchema);
}

export async function fetchFile(api: string, path: string): Promise<FileContent> {
  return parsed(await request(filesUrl(api, path)), fileContentSchema);
}

export async function saveFile(api: string, path: string, body: SaveFileBody): Promise<SaveOutcome> {
  const res = await request(filesUrl(api, path), {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (res.status === 409) {
    const refused = saveRefusedSchema.safeParse(await res.json().catch(() => null));
    if (refused.success) return { refused: { currentHash: refused.data.currentHash } };
  }
  return { saved: await parsed(res, savedFileSchema) };
}

/** Starts the chapter (sandbox, then exercise files) and reports each progress line as it arrives. */
export async function startChapter(api: string, onEvent: (event: StartEvent) => void, signal: AbortSignal): Promise<void> {
  let res: Response;
  try {
    res = await fetch(`${api}/start`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
      signal,
    });
  } catch (error) {
    if (signal.aborted) throw error;
    throw new WorkspaceRequestError(0, "Could not reach the lab server. Check that it is running and try again.");
  }
  if (!res.ok || !res.body) throw await errorFrom(res);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffered += value;
    let newline;
    while ((newline = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (!line) continue;
      const event = startEventSchema.safeParse(parseLine(line));
      if (event.success) onEvent(event.data);
    }
  }
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return null;
  }
}
