import "server-only";
import { cookies } from "next/headers";
import { learnerFromToken, SESSION_COOKIE, type LearnerIdentity } from "./learner-session";

/** The learner behind the current request in a server component, or null for a visitor. */
export async function currentLearner(): Promise<LearnerIdentity | null> {
  const store = await cookies();
  return learnerFromToken(store.get(SESSION_COOKIE)?.value);
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Cross-site requests are refused for every state-changing route: the browser always sends Origin on
 * POST/PUT/DELETE, and it must name this host. SameSite=Lax cookies are the second line.
 */
export function assertSameOrigin(request: Request): void {
  const origin = request.headers.get("origin");
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  if (!origin || !host) throw new HttpError(403, "Cross-site request refused (no Origin header).");
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    throw new HttpError(403, "Cross-site request refused (bad Origin header).");
  }
  const allowed = (process.env.LAYERLAB_ORIGINS ?? "").split(",").map((o) => o.trim()).filter(Boolean);
  if (originHost !== host && !allowed.includes(origin)) throw new HttpError(403, "Cross-site request refused.");
}

/** For route handlers that change state: same origin and a signed-in learner, or an HttpError. */
export async function requireLearner(request: Request): Promise<LearnerIdentity> {
  if (request.method !== "GET" && request.method !== "HEAD") assertSameOrigin(request);
  const learner = await currentLearner();
  if (!learner) throw new HttpError(401, "Start a session first: enter a display name on the home page.");
  return learner;
}

/** Turns thrown HttpErrors and zod failures into JSON answers with a clear message; anything else is a 500. */
export async function jsonRoute(run: () => Promise<Response>): Promise<Response> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof HttpError) return Response.json({ error: error.message }, { status: error.status });
    console.error("route failed:", error);
    return Response.json({ error: "Something went wrong on the server; nothing was lost. Try again." }, { status: 500 });
  }
}
