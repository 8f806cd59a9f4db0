import { describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));

describe("a refusal thrown by another copy of the error module", () => {
  it("is answered with its status and code, as route bundles and the custom server each load their own copy", async () => {
    const routes = await import("./http-error");
    vi.resetModules();
    const runtime = await import("./http-error");
    // Two module graphs, two classes (what Next's route bundles and the custom server hold in one process).
    expect(runtime.HttpError).not.toBe(routes.HttpError);
    // Positive control: the route's own refusal.
    const own = await routes.jsonRoute(async () => {
      throw new routes.HttpError(429, "too many sandbox starts", undefined, { "Retry-After": "2" });
    });
    expect(own.status).toBe(429);
    // A refusal from the runtime's copy (a rate limit below the routes) gets the same answer, not a 500.
    const below = await routes.jsonRoute(async () => {
      throw new runtime.HttpError(429, "too many sandbox starts", undefined, { "Retry-After": "2" });
    });
    expect(below.status).toBe(429);
    expect(below.headers.get("Retry-After")).toBe("2");
    expect(await below.json()).toEqual({ error: "too many sandbox starts", code: "rate_limited" });
    // Anything else is still a 500.
    expect((await routes.jsonRoute(async () => Promise.reject(new Error("boom")))).status).toBe(500);
  });

  it("keeps subclasses apart: an HttpError is not every subclass", async () => {
    const { HttpError } = await import("./http-error");
    class Narrow extends HttpError {}
    expect(new Narrow(409, "x")).toBeInstanceOf(HttpError);
    expect(new HttpError(409, "x")).not.toBeInstanceOf(Narrow);
  });
});
