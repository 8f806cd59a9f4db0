import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import { useTestDatabase } from "../db/test-databases.test-support";

// The learner's session route as Next calls it, on a real database: the cookie is Secure exactly when the validated
// config says so (LAYERLAB_SECURE_COOKIES), whatever spelling the config accepts. The same against a real server
// process is in http-edge.int.test.ts.
const sessionRoute = await import("@/app/api/session/route");
const { setRuntime } = await import("../runtime");
const { RateLimits } = await import("../auth/rate-limit");

const post = () =>
  sessionRoute.POST(
    new Request("http://lab.test/api/session", {
      method: "POST",
      headers: { host: "lab.test", origin: "http://lab.test", "content-type": "application/json", "x-layerlab-peer": "10.1.2.3" },
      body: JSON.stringify({ displayName: "Ada" }),
    }),
  );

describe("the learner's session cookie", () => {
  let release: () => Promise<void>;
  beforeAll(async () => {
    release = (await useTestDatabase("sqlite")).release;
  });
  afterAll(() => release());

  it("is not Secure by default (the lab served over plain HTTP on a LAN)", async () => {
    setRuntime({ config: parseConfig({}), limits: new RateLimits() } as never);
    const response = await post();
    expect(response.status).toBe(201);
    const cookie = response.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^layerlab_session=[\w-]{20,}; Path=\/; Expires=.+; HttpOnly; SameSite=Lax$/);
    expect(cookie).not.toMatch(/Secure/);
  });

  it.each(["yes", "1", "true"])("is Secure with LAYERLAB_SECURE_COOKIES=%s", async (value) => {
    setRuntime({ config: parseConfig({ LAYERLAB_SECURE_COOKIES: value }), limits: new RateLimits() } as never);
    const response = await post();
    expect(response.status).toBe(201);
    expect(response.headers.get("set-cookie")?.split("; ")).toEqual(expect.arrayContaining(["HttpOnly", "SameSite=Lax", "Secure"]));
  });

  it("signing out clears it with the same attributes", async () => {
    setRuntime({ config: parseConfig({ LAYERLAB_SECURE_COOKIES: "yes" }), limits: new RateLimits() } as never);
    const response = await sessionRoute.DELETE(new Request("http://lab.test/api/session", { method: "DELETE", headers: { host: "lab.test", origin: "http://lab.test" } }));
    expect(response.status).toBe(204);
    expect(response.headers.get("set-cookie")?.split("; ").sort()).toEqual(["HttpOnly", "Max-Age=0", "Path=/", "SameSite=Lax", "Secure", "layerlab_session="]);
  });
});
