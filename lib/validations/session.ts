import { z } from "zod";

export const startSessionSchema = z.object({
  displayName: z
    .string({ error: "Enter a display name." })
    .trim()
    .min(1, "Enter a display name.")
    .max(40, "A display name has at most 40 characters.")
    .regex(/^[\p{L}\p{N} ._'-]+$/u, "Use letters, digits, spaces and . _ ' - only."),
});
