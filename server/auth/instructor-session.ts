import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { db } from "../db/client";
import type { InstructorRole } from "../db/instructors";

/** A separate cookie from the learner's: one browser can be both (an instructor trying their own room). */
export const INSTRUCTOR_COOKIE = "layerlab_instructor";
/** A working day: a session left open on a shared projector laptop does not last until next week. */
export const INSTRUCTOR_SESSION_HOURS = 12;

export interface InstructorIdentity {
  id: string;
  username: string;
  displayName: string;
  role: InstructorRole;
}

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** A new session: the browser gets an opaque token, the database only its hash. */
export async function startInstructorSession(instructorId: string): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(Date.now() + INSTRUCTOR_SESSION_HOURS * 3600 * 1000);
  await db().instructorSession.create({ data: { tokenHash: hashToken(token), instructorId, expiresAt } });
  // Expired sessions of this instructor are of no use to anyone.
  await db().instructorSession.deleteMany({ where: { instructorId, expiresAt: { lt: new Date() } } });
  return { token, expiresAt };
}

export async function instructorFromToken(token: string | undefined): Promise<InstructorIdentity | null> {
  if (!token || token.length > 200) return null;
  const session = await db().instructorSession.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { expiresAt: true, instructor: { select: { id: true, username: true, displayName: true, role: true } } },
  });
  if (!session || session.expiresAt.getTime() < Date.now()) return null;
  const { role, ...rest } = session.instructor;
  return { ...rest, role: role === "admin" ? "admin" : "instructor" };
}

export async function endInstructorSession(token: string): Promise<void> {
  await db().instructorSession.deleteMany({ where: { tokenHash: hashToken(token) } });
}

export function instructorSessionCookie(token: string, expiresAt: Date, secure: boolean): string {
  return [
    `${INSTRUCTOR_COOKIE}=${encodeURIComponent(token)}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    `Expires=${expiresAt.toUTCString()}`,
    ...(secure ? ["Secure"] : []),
  ].join("; ");
}

export function clearedInstructorCookie(): string {
  return `${INSTRUCTOR_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`;
}
