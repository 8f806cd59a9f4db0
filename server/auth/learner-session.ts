import "server-only";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { db } from "../db/client";

export const SESSION_COOKIE = "layerlab_session";
const SESSION_DAYS = 30;

export interface LearnerIdentity {
  id: string;
  displayName: string;
}

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Starts a learner without an account: a display name and an opaque session token (only its hash is stored). */
export async function startLearnerSession(displayName: string): Promise<{ learner: LearnerIdentity; token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString("base64url");
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

export function tokenFromCookieHeader(cookieHeader: string | undefined | null): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === SESSION_COOKIE) return decodeURIComponent(rest.join("="));
  }
  return undefined;
}

export function learnerFromCookieHeader(cookieHeader: string | undefined | null): Promise<LearnerIdentity | null> {
  return learnerFromToken(tokenFromCookieHeader(cookieHeader));
}

export async function endLearnerSession(token: string): Promise<void> {
  await db().session.deleteMany({ where: { tokenHash: hashToken(token) } });
}

export function sessionCookie(token: string, expiresAt: Date, secure: boolean): string {
  return [
    `${SESSION_COOKIE}=${encodeURIComponent(token)}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    `Expires=${expiresAt.toUTCString()}`,
    ...(secure ? ["Secure"] : []),
  ].join("; ");
}
