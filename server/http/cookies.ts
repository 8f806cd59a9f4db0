import "server-only";
import { parseCookie, stringifySetCookie } from "cookie";

/**
 * The lab's one cookie module, on the `cookie` package: parsing for code that reads a raw Cookie header (the
 * upgrade path and route handlers given a Request), serializing for every Set-Cookie the lab sends.
 */

/**
 * One cookie's value, or undefined. The first of duplicate names wins (as browsers send the most specific first);
 * a value that is not valid percent-encoding (`%`) stays as sent, so it is simply an unknown token, never a throw.
 */
export function readCookie(cookieHeader: string | null | undefined, name: string): string | undefined {
  if (!cookieHeader) return undefined;
  return parseCookie(cookieHeader)[name];
}

/** Session cookies: script cannot read them, and other sites' requests do not carry them (SameSite=Lax). */
export function sessionCookie(name: string, token: string, expiresAt: Date, secure: boolean): string {
  return stringifySetCookie(name, token, { path: "/", httpOnly: true, sameSite: "lax", expires: expiresAt, secure });
}

/** Tells the browser to forget a session cookie. */
export function clearedCookie(name: string, secure: boolean): string {
  return stringifySetCookie(name, "", { path: "/", httpOnly: true, sameSite: "lax", maxAge: 0, secure });
}
