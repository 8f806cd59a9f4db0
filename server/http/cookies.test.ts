import { describe, expect, it } from "vitest";
import { clearedCookie, readCookie, sessionCookie } from "./cookies";
import { codeOfStatus, HttpError } from "./http-error";

describe("cookies", () => {
  it("reads a well-formed cookie (positive control) and treats malformed ones as unknown values, never a throw", () => {
    expect(readCookie("a=b; layerlab_session=tok-en_1", "layerlab_session")).toBe("tok-en_1");
    expect(readCookie("layerlab_session=%", "layerlab_session")).toBe("%");
    expect(readCookie("layerlab_session=%E0%A4%A", "layerlab_session")).toBe("%E0%A4%A");
    expect(readCookie("layerlab_session=first; layerlab_session=second", "layerlab_session")).toBe("first");
    expect(readCookie("=; ;;=%; layerlab_session", "layerlab_session")).toBeUndefined();
    expect(readCookie(Buffer.from("layerlab_session=é☃", "utf8").toString("latin1"), "layerlab_session")).toBeTypeOf("string");
    expect(readCookie(`layerlab_session=${"A".repeat(100_000)}`, "layerlab_session")).toHaveLength(100_000);
    expect(readCookie(undefined, "layerlab_session")).toBeUndefined();
    expect(readCookie("", "layerlab_session")).toBeUndefined();
  });

  it("session cookies are HttpOnly, SameSite=Lax, path-wide, and Secure exactly when asked", () => {
    const expires = new Date("2030-01-01T00:00:00Z");
    const plain = sessionCookie("layerlab_session", "t0k", expires, false);
    expect(plain).toBe("layerlab_session=t0k; Path=/; Expires=Tue, 01 Jan 2030 00:00:00 GMT; HttpOnly; SameSite=Lax");
    expect(sessionCookie("layerlab_session", "t0k", expires, true).split("; ")).toEqual(expect.arrayContaining(["Secure", "HttpOnly", "SameSite=Lax"]));
    expect(clearedCookie("layerlab_instructor", false)).toBe("layerlab_instructor=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax");
    expect(clearedCookie("layerlab_instructor", true).split("; ")).toContain("Secure");
  });
});

describe("HTTP errors", () => {
  it("carry a stable code: named, or the status's", () => {
    expect(new HttpError(401, "Sign in").code).toBe("unauthenticated");
    expect(new HttpError(403, "Cross-site", "cross_site").code).toBe("cross_site");
    expect(codeOfStatus(429)).toBe("rate_limited");
    expect(codeOfStatus(502)).toBe("internal");
  });
});
