import { z } from "zod";

export const usernameSchema = z
  .string({ error: "Enter a username." })
  .trim()
  .toLowerCase()
  .min(3, "A username has at least 3 characters.")
  .max(40, "A username has at most 40 characters.")
  .regex(/^[a-z0-9._-]+$/, "A username uses letters, digits and . _ - only.");

const displayNameSchema = z
  .string({ error: "Enter a display name." })
  .trim()
  .min(1, "Enter a display name.")
  .max(60, "A display name has at most 60 characters.");

/** Long passphrases are welcome; the upper bound only keeps one hash from costing too much. */
const newPasswordSchema = z
  .string({ error: "Enter a password." })
  .min(10, "A password has at least 10 characters.")
  .max(200, "A password has at most 200 characters.");

export const newInstructorSchema = z.object({ username: usernameSchema, displayName: displayNameSchema, password: newPasswordSchema });
export type NewInstructorInput = z.infer<typeof newInstructorSchema>;

export const loginSchema = z.object({
  username: z.string({ error: "Enter your username." }).trim().toLowerCase().min(1, "Enter your username.").max(40, "No such username."),
  password: z.string({ error: "Enter your password." }).min(1, "Enter your password.").max(200, "Wrong username or password."),
});

/** What creating an instructor account answers. */
export const newInstructorAnswerSchema = z.object({ instructor: z.object({ username: z.string() }) });
