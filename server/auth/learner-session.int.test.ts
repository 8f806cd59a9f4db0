import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// A real SQLite database, migrated the way the server migrates it.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "layerlab-session-"));
process.env.DATABASE_URL = `file:${path.join(dir, "test.db")}`;

const { applyMigrations } = await import("../db/migrate");
const { db } = await import("../db/client");
const session = await import("./learner-session");

beforeAll(() => {
  expect(applyMigrations(path.join(dir, "test.db"))).toEqual(["0001_init"]);
});
afterAll(async () => {
  await db().$disconnect();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("learner sessions", () => {
  it("migrations are applied once", () => {
    expect(applyMigrations(path.join(dir, "test.db"))).toEqual([]);
  });

  it("a token finds its learner; a wrong or ended token finds nobody", async () => {
    const { learner, token } = await session.startLearnerSession("Ada");
    expect((await session.learnerFromToken(token))?.id).toBe(learner.id);
    expect(await session.learnerFromCookieHeader(`a=b; ${session.SESSION_COOKIE}=${token}`)).toEqual(learner);
    expect(await session.learnerFromToken(token.slice(0, -1) + "x")).toBeNull();
    expect(await session.learnerFromToken(undefined)).toBeNull();
    await session.endLearnerSession(token);
    expect(await session.learnerFromToken(token)).toBeNull();
  });

  it("stores only the token's hash", async () => {
    const { token } = await session.startLearnerSession("Grace");
    const rows = await db().session.findMany();
    expect(rows.some((r) => r.tokenHash === token)).toBe(false);
  });

  it("an expired session finds nobody", async () => {
    const { learner, token } = await session.startLearnerSession("Linus");
    await db().session.updateMany({ where: { learnerId: learner.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await session.learnerFromToken(token)).toBeNull();
  });

  it("the cookie is HttpOnly and SameSite", () => {
    const cookie = session.sessionCookie("t", new Date(0), true);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Secure/);
  });
});
