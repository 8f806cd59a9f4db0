import "server-only";
import { db } from "../db/client";
import type { InstructorRole } from "../db/instructors";
import { clearedCookie, readCookie, sessionCookie } from "../http/cookies";
import { hashToken, newSessionToken } from "./session-token";

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

/** A new session: the browser gets an opaque token, the database only its hash. */
export async function startInstructorSession(instructorId: string): Promise<{ token: string; expiresAt: Date }> {
  const token = newSessionToken();
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

/** The instructor's session token from a raw Cookie header (routes given a Request, the terminal watch upgrade). */
export function instructorTokenFromCookieHeader(cookieHeader: string | null | undefined): string | undefined {
  return readCookie(cookieHeader, INSTRUCTOR_COOKIE);
}

/** Set-Cookie for a new instructor session; `secure` is config.LAYERLAB_SECURE_COOKIES. */
export function instructorSessionCookie(token: string, expiresAt: Date, secure: boolean): string {
  return sessionCookie(INSTRUCTOR_COOKIE, token, expiresAt, secure);
}

export function clearedInstructorCookie(secure: boolean): string {
  return clearedCookie(INSTRUCTOR_COOKIE, secure);
}
