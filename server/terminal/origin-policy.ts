import "server-only";

export { parseAllowedOrigins } from "@/server/http/same-origin";

/**
 * Browsers send Origin on every WebSocket handshake and pages cannot forge it, so this is what stops another site
 * from opening a learner's terminal with their cookie (cross-site WebSocket hijacking). With no configured
 * origins, only the host the request was sent to may open it (as the HTTP routes' same-origin check does).
 */
export function isAllowedOrigin(
  origin: string | undefined,
  host: string | undefined,
  allowed: string[],
): boolean {
  if (!origin) return false;
  if (allowed.length) return allowed.includes(origin.replace(/\/+$/, ""));
  if (!host) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
