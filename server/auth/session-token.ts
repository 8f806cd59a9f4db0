import "server-only";
import { createHash, randomBytes } from "node:crypto";

/** A new opaque session token for the browser's cookie. */
export function newSessionToken(): string {
  return randomBytes(32).toString("base64url");
}

/** What the database keeps of a session token: its hash, so a leaked table opens no session. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
