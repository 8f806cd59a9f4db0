import "server-only";
import { randomUUID } from "node:crypto";
import { db } from "../db/client";
import { clearedCookie, readCookie, sessionCookie as serializeSessionCookie } from "../http/cookies";
import { hashToken, newSessionToken } from "./session-token";

export const SESSION_COOKIE = "layerlab_session";
const SESSION_DAYS = 30;

export interface LearnerIdentity {
  id: string;
  displayName: string;
}

/** Starts a learner without an account: a display name and an opaque session token (only its hash is stored). */
export async function startLearnerSession(displayName: string): Promise<{ learner: LearnerIdentity; token: string; expiresAt: Date }> {
  const token = newSessionToken();
  const expiresAt = new Date(Date.now() + SESSION_DAYS * 24 * 3600 * 1000);
  const learner = await db().learner.create({
    data: {
      id: randomUUID(),
      displayName,
      sessions: { create: { tokenHash: hashToken(token), expiresAt } },
    },
    select: { id: true, displayName: true },
  });
  return { learner, token, expiresAt };
}

export async function learnerFromToken(token: string | undefined): Promise<LearnerIdentity | null> {
  if (!token || token.length > 200) return null;
  const session = await db().session.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { expiresAt: true, learner: { select: { id: true, displayName: true } } },
  });
  if (!session || session.expiresAt.getTime() < Date.now()) return null;
  return session.learner;
}

/** The session token in a raw Cookie header (the upgrade path, or a route given its Request). */
export function sessionTokenFromCookieHeader(cookieHeader: string | undefined | null): string | undefined {
  return readCookie(cookieHeader, SESSION_COOKIE);
}

/** The learner behind a raw Cookie header; a malformed cookie is nobody. */
export function learnerFromCookieHeader(cookieHeader: string | undefined | null): Promise<LearnerIdentity | null> {
  return learnerFromToken(sessionTokenFromCookieHeader(cookieHeader));
}

export async function endLearnerSession(token: string): Promise<void> {
  await db().session.deleteMany({ where: { tokenHash: hashToken(token) } });
}

/** Set-Cookie for a new learner session; `secure` is config.LAYERLAB_SECURE_COOKIES. */
export function sessionCookie(token: string, expiresAt: Date, secure: boolean): string {
  return serializeSessionCookie(SESSION_COOKIE, token, expiresAt, secure);
}

export function clearedSessionCookie(secure: boolean): string {
  return clearedCookie(SESSION_COOKIE, secure);
}
