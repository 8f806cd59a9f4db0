import { z } from "zod";
import { errorBodySchema } from "../api-error";

/** What crosses HTTP between the editor and the exercise-file routes; both sides parse with these. */

/** Largest file the editor opens or saves. Exercise files are a few KB; this keeps one request from hogging the server. */
export const MAX_FILE_BYTES = 1024 * 1024;

const contentHashSchema = z.string().regex(/^[0-9a-f]{64}$/, "hash must be a SHA-256 in hex");

const fileEntrySchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("file"), path: z.string(), hash: contentHashSchema, size: z.number(), mtimeMs: z.number() }),
  z.object({ kind: z.literal("absent"), path: z.string() }),
  /** There, but the editor will not open it: a folder, or a symlink leading out of the exercise folder. */
  z.object({ kind: z.literal("refused"), path: z.string(), reason: z.string() }),
]);
export type FileEntry = z.infer<typeof fileEntrySchema>;

export const fileListSchema = z.object({ files: z.array(fileEntrySchema) });
export type ExerciseFileList = z.infer<typeof fileListSchema>;

export const fileContentSchema = z.object({
  path: z.string(),
  hash: contentHashSchema,
  content: z.string(),
  size: z.number(),
  mtimeMs: z.number(),
});
export type FileContent = z.infer<typeof fileContentSchema>;

export const saveFileBodySchema = z.object({
  /** The whole new text; its size is checked where it is written (MAX_FILE_BYTES, a 413). */
  content: z.string({ error: "content must be the file's text." }),
  /** The version the edits are based on (null: the file should not exist yet). A different file in the sandbox refuses the save. */
  baseHash: z.union([contentHashSchema, z.null()], {
    error: "baseHash must name the version the edits start from (its SHA-256 hash), or be null for a new file.",
  }),
});
export type SaveFileBody = z.infer<typeof saveFileBodySchema>;

export const savedFileSchema = z.object({ path: z.string(), hash: contentHashSchema, size: z.number(), mtimeMs: z.number() });
export type SavedFile = z.infer<typeof savedFileSchema>;

/** The 409 answer to a save whose base is no longer what the sandbox holds. */
export const saveRefusedSchema = errorBodySchema.extend({ currentHash: contentHashSchema.nullable() });

/** "queued": the lab is full and the learner waits in line for a place. */
const startPhaseSchema = z.enum(["queued", "sandbox", "files"]);
export type StartPhase = z.infer<typeof startPhaseSchema>;

/** One line of the NDJSON stream that answers POST …/start. */
export const startEventSchema = z.union([
  z.object({ phase: startPhaseSchema, message: z.string(), percent: z.number().min(0).max(100) }),
  z.object({ ready: z.literal(true), placed: z.array(z.string()), kept: z.array(z.string()) }),
  z.object({ error: z.string() }),
]);
export type StartEvent = z.infer<typeof startEventSchema>;
