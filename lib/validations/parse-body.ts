import type { z } from "zod";

export type BodyResult<T> = { ok: true; data: T } | { ok: false; error: string };

/** Reads a JSON request body and validates it, turning every failure into one readable sentence. */
export async function parseJsonBody<S extends z.ZodType>(request: Request, schema: S): Promise<BodyResult<z.infer<S>>> {
  let raw: unknown;
  try {
    raw = await request.json();
  } catch {
    return { ok: false, error: "The request body is not valid JSON." };
  }
  const result = schema.safeParse(raw);
  if (!result.success) return { ok: false, error: result.error.issues.map((i) => i.message).join(" ") };
  return { ok: true, data: result.data };
}
