import { ApiError, answerOf, getJson, jsonRequest, readNdjson, request } from "@/components/api-client";
import {
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

/** The browser side of an exercise's workspace routes (a chapter's or a drill's: they answer the same way). */

export type SaveOutcome = { saved: SavedFile } | { refused: { currentHash: string | null } };

/** Where a chapter's workspace routes live; a drill's live under /api/drills/<id> (drillApi). */
export function chapterApi(chapterId: string): string {
  return `/api/chapters/${encodeURIComponent(chapterId)}`;
}

function filesUrl(api: string, path?: string): string {
  const base = `${api}/files`;
  return path === undefined ? base : `${base}/${path.split("/").map(encodeURIComponent).join("/")}`;
}

/** Out of reach, the editor says what matters most: the learner's edits are safe in the page. */
async function editorCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ApiError && error.code === "unreachable") throw new ApiError(0, "unreachable", "Could not reach the lab server. Check your connection; your edits are still here.");
    throw error;
  }
}

export function fetchFileList(api: string): Promise<ExerciseFileList> {
  return editorCall(() => getJson(filesUrl(api), fileListSchema));
}

export function fetchFile(api: string, path: string): Promise<FileContent> {
  return editorCall(() => getJson(filesUrl(api, path), fileContentSchema));
}

export function saveFile(api: string, path: string, body: SaveFileBody): Promise<SaveOutcome> {
  return editorCall(async () => {
    const res = await request(filesUrl(api, path), jsonRequest(body, "PUT"));
    if (res.status === 409) {
      const refused = saveRefusedSchema.safeParse(await res.clone().json().catch(() => null));
      if (refused.success) return { refused: { currentHash: refused.data.currentHash } };
    }
    return { saved: await answerOf(res, savedFileSchema) };
  });
}

/** Starts the exercise (sandbox, then its files) and reports each progress line as it arrives. */
export async function startExercise(api: string, onEvent: (event: StartEvent) => void, signal: AbortSignal): Promise<void> {
  await readNdjson(await request(`${api}/start`, jsonRequest({}, "POST", signal)), startEventSchema, onEvent);
}
