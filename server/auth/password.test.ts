import { describe, expect, it } from "vitest";
import { hashPassword, verifyAgainstDecoy, verifyPassword } from "./password";

describe("passwords", () => {
  it("hash with scrypt, a salt per password, and verify", async () => {
    const a = await hashPassword("correct horse battery");
    const b = await hashPassword("correct horse battery");
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword("correct horse battery", a)).toBe(true);
    expect(await verifyPassword("correct horse batterY", a)).toBe(false);
  });

  it("never match a malformed hash", async () => {
    for (const stored of ["", "plain", "scrypt$x$8$1$salt$hash", "bcrypt$1$2$3$4$5"]) expect(await verifyPassword("x", stored)).toBe(false);
    expect(await verifyAgainstDecoy("anything")).toBe(false);
  });
});
