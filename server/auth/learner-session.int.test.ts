import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_DIALECTS, useTestDatabase } from "../db/test-databases.test-support";

// A real database of each kind, migrated the way the server migrates it.
const { db } = await import("../db/client");
const session = await import("./learner-session");

describe.each(TEST_DIALECTS)("learner sessions on %s", (dialect) => {
  let release: () => Promise<void>;
  beforeAll(async () => {
    release = (await useTestDatabase(dialect)).release;
  });
  afterAll(() => release());

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
