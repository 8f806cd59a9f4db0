import "server-only";
import { HttpError } from "./http-error";

/** LAYERLAB_ORIGINS as a list: "https://lab.example.org, http://localhost:3000" → two origins. */
export function parseAllowedOrigins(value: string): string[] {
  return value
    .split(",")
    .map((o) => o.trim().replace(/\/+$/, ""))
    .filter(Boolean);
}

/**
 * Cross-site requests are refused for every state-changing route: the browser always sends Origin on
 * POST/PUT/DELETE, and it must name this host or one of the configured origins (LAYERLAB_ORIGINS, parsed).
 * SameSite=Lax cookies are the second line.
 */
export function assertSameOrigin(request: Request, allowedOrigins: string[]): void {
  const origin = request.headers.get("origin");
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  if (!origin || !host) throw new HttpError(403, "Cross-site request refused (no Origin header).", "cross_site");
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    throw new HttpError(403, "Cross-site request refused (bad Origin header).", "cross_site");
  }
  if (originHost !== host && !allowedOrigins.includes(origin.replace(/\/+$/, ""))) throw new HttpError(403, "Cross-site request refused.", "cross_site");
}
