import { describe, expect, it } from "vitest";
import { HttpError } from "./request-guard";
import { clientAddress, enforceLimit, RateLimiter } from "./rate-limit";

describe("RateLimiter", () => {
  it("allows a burst, then refuses until a token is earned back", () => {
    let now = 0;
    const limiter = new RateLimiter({ burst: 3, refillMs: 1000 }, () => now);
    expect([limiter.take("a"), limiter.take("a"), limiter.take("a")]).toEqual([true, true, true]);
    expect(limiter.take("a")).toBe(false);
    expect(limiter.retryAfterMs("a")).toBe(1000);
    now = 999;
    expect(limiter.take("a")).toBe(false);
    now = 1000;
    expect(limiter.take("a")).toBe(true);
    expect(limiter.take("a")).toBe(false);
  });

  it("keeps keys apart and never refills beyond the burst", () => {
    let now = 0;
    const limiter = new RateLimiter({ burst: 2, refillMs: 10 }, () => now);
    limiter.take("a");
    limiter.take("a");
    expect(limiter.take("b")).toBe(true);
    now = 1_000_000;
    expect([limiter.take("a"), limiter.take("a"), limiter.take("a")]).toEqual([true, true, false]);
  });

  it("enforceLimit answers 429 with when to retry", () => {
    const limiter = new RateLimiter({ burst: 1, refillMs: 5000 }, () => 0);
    enforceLimit(limiter, "k", "join attempts");
    try {
      enforceLimit(limiter, "k", "join attempts");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(HttpError);
      expect((error as HttpError).status).toBe(429);
      expect((error as HttpError).message).toMatch(/Too many join attempts.*Wait 5 s/);
    }
  });

  it("counts by the peer address the custom server set", () => {
    expect(clientAddress(new Request("http://x/", { headers: { "x-layerlab-peer": "10.0.0.9" } }))).toBe("10.0.0.9");
    expect(clientAddress(new Request("http://x/"))).toBe("unknown");
  });
});
