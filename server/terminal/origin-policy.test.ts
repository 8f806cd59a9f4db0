import { describe, expect, it } from "vitest";
import { isAllowedOrigin, parseAllowedOrigins } from "./origin-policy";

describe("origin policy", () => {
  it("with no configured origins, allows only the request's own host", () => {
    expect(isAllowedOrigin("http://localhost:3000", "localhost:3000", [])).toBe(true);
    expect(isAllowedOrigin("http://evil.example", "localhost:3000", [])).toBe(false);
    expect(isAllowedOrigin("http://localhost:3001", "localhost:3000", [])).toBe(false);
    expect(isAllowedOrigin(undefined, "localhost:3000", [])).toBe(false);
    expect(isAllowedOrigin("null", "localhost:3000", [])).toBe(false);
    expect(isAllowedOrigin("http://localhost:3000", undefined, [])).toBe(false);
  });

  it("with configured origins, allows exactly those", () => {
    const allowed = parseAllowedOrigins(" https://lab.example.org/ ,http://10.0.0.5:3000,");
    expect(allowed).toEqual(["https://lab.example.org", "http://10.0.0.5:3000"]);
    expect(isAllowedOrigin("https://lab.example.org", "internal:3000", allowed)).toBe(true);
    expect(isAllowedOrigin("http://lab.example.org", "lab.example.org", allowed)).toBe(false);
    expect(isAllowedOrigin("https://lab.example.org.evil.example", "x", allowed)).toBe(false);
  });
});
