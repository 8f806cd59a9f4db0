import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import type { LearnerEvent } from "@/lib/learner-events";
import { TEST_DIALECTS, useTestDatabase } from "../db/test-databases.test-support";

// The instructor and join routes as the browser reaches them (route handlers called with real Requests),
// against real databases: access rules, cross-site refusal, validation messages, rate limits.
const setupRoute = await import("@/app/api/instructor/setup/route");
const sessionRoute = await import("@/app/api/instructor/session/route");
const instructorsRoute = await import("@/app/api/instructor/instructors/route");
const workshopsRoute = await import("@/app/api/instructor/workshops/route");
const locksRoute = await import("@/app/api/instructor/workshops/[id]/locks/route");
const broadcastRoute = await import("@/app/api/instructor/workshops/[id]/broadcast/route");
const endRoute = await import("@/app/api/instructor/workshops/[id]/end/route");
const roomRoute = await import("@/app/api/instructor/workshops/[id]/room/route");
const drillBoardRoute = await import("@/app/api/instructor/workshops/[id]/drill-leaderboard/route");
const joinRoute = await import("@/app/api/join/route");
const { RateLimits } = await import("../auth/rate-limit");
const { createSharedState } = await import("../lab");
const { setRuntime } = await import("../runtime");
const { auditTrailOf } = await import("../db/audit");
const { findWorkshop, membersOf } = await import("../db/workshops");
const drillAttempts = await import("../db/drill-attempts");
const { assertChapterOpen, lockedChaptersFor } = await import("./chapter-access");

const ORIGIN = "http://lab.test";
let peer = 0;

function request(path: string, init: { method?: string; body?: unknown; cookie?: string; origin?: string | null; ip?: string; rawBody?: string } = {}) {
  const headers: Record<string, string> = { host: "lab.test", "x-layerlab-peer": init.ip ?? "10.9.0.1" };
  if (init.origin !== null) headers.origin = init.origin ?? ORIGIN;
  if (init.cookie) headers.cookie = init.cookie;
  const method = init.method ?? "POST";
  if (method !== "GET") headers["content-type"] = "application/json";
  return new Request(ORIGIN + path, { method, headers, body: init.rawBody ?? (init.body === undefined ? undefined : JSON.stringify(init.body)) });
}

function cookieOf(response: Response): string {
  const set = response.headers.get("set-cookie") ?? "";
  return set.split(";")[0];
}

const params = (id: string) => ({ params: Promise.resolve({ id }) });
const hour = 3600_000;
const workshopBody = (overrides: Record<string, unknown> = {}) => ({
  title: "Images for the team",
  chapterIds: ["layers", "anatomy"],
  startsAt: new Date(Date.now() - hour).toISOString(),
  endsAt: new Date(Date.now() + 2 * hour).toISOString(),
  capacity: 2,
  ...overrides,
});

describe.each(TEST_DIALECTS)("workshop routes on %s", (dialect) => {
  let release: () => Promise<void>;
  const released: string[] = [];
  /** How often the lab was asked to warm (or release) seats' sandboxes: on every create and end (room-warmer.int.test.ts warms for real). */
  let rewarms = 0;
  let admin = "";
  let alice = "";
  let bob = "";

  const shared = createSharedState();

  beforeAll(async () => {
    release = (await useTestDatabase(dialect)).release;
    // The runtime is `shared` itself, so each test's fresh limits (beforeEach) are the routes' too.
    setRuntime(
      Object.assign(shared, {
        config: parseConfig({}),
        sandboxes: { release: async (learnerId: string, home?: string) => void released.push(`${learnerId}:${home}`), rewarm: async () => void rewarms++ },
      }) as never,
    );
  });
  afterAll(() => release());
  // Every test starts with the limits untouched.
  beforeEach(() => void (shared.limits = new RateLimits()));

  async function signIn(username: string, password: string): Promise<string> {
    const response = await sessionRoute.POST(request("/api/instructor/session", { body: { username, password }, ip: `10.8.0.${++peer}` }));
    expect(response.status).toBe(200);
    return cookieOf(response);
  }

  async function createWorkshop(cookie: string, overrides: Record<string, unknown> = {}) {
    const response = await workshopsRoute.POST(request("/api/instructor/workshops", { cookie, body: workshopBody(overrides) }));
    expect(response.status).toBe(201);
    return ((await response.json()) as { workshop: { id: string; joinCode: string } }).workshop;
  }

  it("first run creates the administrator once; the setup form refuses a second", async () => {
    const bad = await setupRoute.POST(request("/api/instructor/setup", { body: { username: "a", displayName: "", password: "short" } }));
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatch(/at least 3 characters.*Enter a display name.*at least 10 characters/);

    const created = await setupRoute.POST(request("/api/instructor/setup", { body: { username: "Admin", displayName: "Ada Admin", password: "correct horse battery" } }));
    expect(created.status).toBe(201);
    expect(created.headers.get("set-cookie")).toMatch(/^layerlab_instructor=.+HttpOnly; SameSite=Lax/);
    admin = cookieOf(created);

    const again = await setupRoute.POST(request("/api/instructor/setup", { body: { username: "mallory", displayName: "M", password: "0123456789ab" } }));
    expect(again.status).toBe(409);
    expect((await again.json()).error).toMatch(/administrator exists already/);
  });

  it("state changes from another site, or without an Origin, are refused", async () => {
    for (const origin of ["http://evil.test", null]) {
      const response = await workshopsRoute.POST(request("/api/instructor/workshops", { cookie: admin, origin, body: workshopBody() }));
      expect(response.status).toBe(403);
      expect((await response.json()).error).toMatch(/Cross-site request refused/);
    }
    const join = await joinRoute.POST(request("/api/join", { origin: "http://evil.test", body: { code: "ABCDEF", displayName: "x" } }));
    expect(join.status).toBe(403);
    const setup = await setupRoute.POST(request("/api/instructor/setup", { origin: "http://evil.test", body: {} }));
    expect(setup.status).toBe(403);
  });

  it("the administrator adds instructors; nobody else can", async () => {
    const body = { username: "alice", displayName: "Alice", password: "alice-password-1" };
    expect((await instructorsRoute.POST(request("/api/instructor/instructors", { body }))).status).toBe(401);
    const created = await instructorsRoute.POST(request("/api/instructor/instructors", { cookie: admin, body }));
    expect(created.status).toBe(201);
    const taken = await instructorsRoute.POST(request("/api/instructor/instructors", { cookie: admin, body }));
    expect(taken.status).toBe(409);
    expect((await taken.json()).error).toMatch(/taken/);
    await instructorsRoute.POST(request("/api/instructor/instructors", { cookie: admin, body: { username: "bob", displayName: "Bob", password: "bob-password-12" } }));

    alice = await signIn("alice", "alice-password-1");
    bob = await signIn("BOB", "bob-password-12");
    const byInstructor = await instructorsRoute.POST(request("/api/instructor/instructors", { cookie: alice, body: { ...body, username: "carol" } }));
    expect(byInstructor.status).toBe(403);
  });

  it("sign-in: a wrong password says so, and repeated failures are rate-limited", async () => {
    const wrong = () => sessionRoute.POST(request("/api/instructor/session", { body: { username: "alice", password: "nope" }, ip: "10.7.0.1" }));
    const first = await wrong();
    expect(first.status).toBe(401);
    expect((await first.json()).error).toBe("Wrong username or password.");
    const unknown = await sessionRoute.POST(request("/api/instructor/session", { body: { username: "nobody", password: "nope" }, ip: "10.7.0.2" }));
    expect((await unknown.json()).error).toBe("Wrong username or password.");
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await wrong()).status);
    expect(statuses.slice(0, 4)).toEqual([401, 401, 401, 401]);
    const limited = await wrong();
    expect(limited.status).toBe(429);
    expect((await limited.json()).error).toMatch(/Too many failed sign-ins.*Wait \d+ s/);
    const bodyless = await sessionRoute.POST(request("/api/instructor/session", { rawBody: "{not json", ip: "10.7.0.3" }));
    expect(bodyless.status).toBe(400);
    expect((await bodyless.json()).error).toBe("The request body is not valid JSON.");
  });

  it("creating a workshop validates every field with a clear message", async () => {
    expect((await workshopsRoute.POST(request("/api/instructor/workshops", { body: workshopBody() }))).status).toBe(401);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ title: "" }, /Enter a title/],
      [{ chapterIds: [] }, /at least one chapter/],
      [{ chapterIds: ["no-such-chapter"] }, /Unknown chapter: no-such-chapter/],
      [{ endsAt: new Date(Date.now() - 2 * hour).toISOString() }, /end must come after the start/],
      [{ startsAt: "tomorrow-ish" }, /start is not a date and time/],
      [{ capacity: 0 }, /at least 1 seat/],
      [{ capacity: 10_000 }, /at most 500 seats/],
      [{ drillIds: ["no-such-drill"] }, /Unknown drill: no-such-drill/],
    ];
    for (const [overrides, message] of cases) {
      const response = await workshopsRoute.POST(request("/api/instructor/workshops", { cookie: alice, body: workshopBody(overrides) }));
      expect(response.status, JSON.stringify(overrides)).toBe(400);
      expect((await response.json()).error).toMatch(message);
    }
    const { id, joinCode } = await createWorkshop(alice);
    expect(joinCode).toMatch(/^[A-HJ-NP-Z2-9]{6}$/);
    const stored = await findWorkshop(id);
    expect(stored?.chapterIds).toEqual(["anatomy", "layers"]);
    expect(stored?.drillIds).toEqual([]);
    const racing = await createWorkshop(alice, { drillIds: ["arg-scope", "run-typo"] });
    expect((await findWorkshop(racing.id))?.drillIds).toEqual(["run-typo", "arg-scope"]);
  });

  it("the drill race: the board counts the workshop's drills in its room, and showing it reaches the room at once", async () => {
    const plain = await createWorkshop(alice, { capacity: 5 });
    const noRace = await drillBoardRoute.PUT(request("/x", { method: "PUT", cookie: alice, body: { visible: true } }), params(plain.id));
    expect(noRace.status).toBe(400);
    expect((await noRace.json()).error).toMatch(/has no drills/);

    const { id, joinCode } = await createWorkshop(alice, { capacity: 5, drillIds: ["arg-scope"] });
    const response = await joinRoute.POST(request("/api/join", { body: { code: joinCode, displayName: "Rita" }, ip: "10.4.0.1" }));
    const rita = ((await response.json()) as { learner: { id: string } }).learner.id;
    const score = async (drillId: string, value: number) => {
      const attempt = await drillAttempts.createDrillAttempt({ learnerId: rita, drillId, seed: 1, workshopId: id });
      await drillAttempts.recordDrillCheck(attempt.id, { score: value, timeMs: 60_000, at: new Date() });
    };
    await score("arg-scope", 900);
    await score("run-typo", 950);

    const board = async (cookie: string) => drillBoardRoute.GET(request("/x", { method: "GET", cookie }), params(id));
    expect((await board(bob)).status).toBe(404);
    expect(await (await board(alice)).json()).toEqual({
      visible: false,
      drillIds: ["arg-scope"],
      rows: [{ learnerId: rita, displayName: "Rita", drillId: "arg-scope", score: 900, timeMs: 60_000 }],
    });

    const seen: LearnerEvent[] = [];
    const unsubscribe = shared.events.subscribe(rita, (e) => seen.push(e));
    try {
      const bobShows = await drillBoardRoute.PUT(request("/x", { method: "PUT", cookie: bob, body: { visible: true } }), params(id));
      expect(bobShows.status).toBe(404);
      expect(seen).toEqual([]);
      const shown = await drillBoardRoute.PUT(request("/x", { method: "PUT", cookie: alice, body: { visible: true } }), params(id));
      expect(await shown.json()).toEqual({ visible: true });
      expect(seen).toEqual([{ type: "room", change: "drills" }]);
      expect(await drillAttempts.isDrillBoardVisible(id)).toBe(true);
      expect((await auditTrailOf(id)).map((e) => e.action)).toContain("workshop.drill-board.show");
    } finally {
      unsubscribe();
    }
  });

  it("an instructor cannot read or change another instructor's workshop", async () => {
    const { id } = await createWorkshop(alice);
    const asBob = { cookie: bob };
    const attempts = [
      locksRoute.POST(request(`/x`, { ...asBob, body: { chapterId: "layers", locked: true } }), params(id)),
      broadcastRoute.POST(request(`/x`, { ...asBob, body: { text: "hi" } }), params(id)),
      endRoute.POST(request(`/x`, asBob), params(id)),
      roomRoute.GET(request(`/x`, { ...asBob, method: "GET" }), params(id)),
    ];
    for (const response of await Promise.all(attempts)) {
      expect(response.status).toBe(404);
      expect((await response.json()).error).toBe("No such workshop.");
    }
    // Not even a missing workshop looks different from someone else's.
    const missing = await locksRoute.POST(request(`/x`, { cookie: bob, body: { chapterId: "layers", locked: true } }), params("not-a-workshop"));
    expect(missing.status).toBe(404);
    expect((await findWorkshop(id))?.lockedChapterIds).toEqual([]);
    expect((await findWorkshop(id))?.endedAt).toBeNull();
    // Without a session, or with a learner's session, nothing at all.
    expect((await roomRoute.GET(request(`/x`, { method: "GET" }), params(id))).status).toBe(401);
  });

  it("joining: a wrong code says so, guessing is rate-limited, capacity holds", async () => {
    const { id, joinCode } = await createWorkshop(alice, { capacity: 2 });
    const join = (code: string, displayName: string, ip = "10.6.0.1", cookie?: string) =>
      joinRoute.POST(request("/api/join", { body: { code, displayName }, ip, cookie }));

    const malformed = await join("12", "Ann");
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).error).toMatch(/A workshop code has 6 letters and digits/);
    const wrong = await join("ZZZZZZ", "Ann");
    expect(wrong.status).toBe(404);
    expect((await wrong.json()).error).toBe("No workshop has the code ZZZZZZ. Check it on the projector.");
    const badName = await join(joinCode, "<script>");
    expect(badName.status).toBe(400);

    const ann = await join(joinCode.toLowerCase().replace(/^(...)/, "$1-"), "Ann", "10.6.0.2");
    expect(ann.status).toBe(200);
    const annCookie = cookieOf(ann);
    expect(annCookie).toMatch(/^layerlab_session=/);
    // Joining again with the same session keeps the seat and the learner.
    const again = await join(joinCode, "Ann", "10.6.0.2", annCookie);
    expect(again.status).toBe(200);
    expect(again.headers.get("set-cookie")).toBeNull();
    expect((await join(joinCode, "Ben", "10.6.0.3")).status).toBe(200);
    const full = await join(joinCode, "Cat", "10.6.0.4");
    expect(full.status).toBe(409);
    expect((await full.json()).error).toMatch(/full \(2 seats\)/);
    expect(await membersOf(id)).toHaveLength(2);

    const guesses = [];
    for (let i = 0; i < 12; i++) guesses.push((await join(`ZZZZZ${"23456789ABCD"[i]}`, "Eve", "10.6.0.9")).status);
    expect(guesses.slice(0, 10).every((s) => s === 404)).toBe(true);
    expect(guesses.slice(10)).toEqual([429, 429]);
    // Even the right code waits once an address has run out of guesses.
    const blocked = await join(joinCode, "Eve", "10.6.0.9");
    expect(blocked.status).toBe(429);
    expect((await blocked.json()).error).toMatch(/Too many attempts with a wrong code/);
  });

  it("lock, broadcast and end reach the room's learners only, and are audited", async () => {
    const { id, joinCode } = await createWorkshop(alice, { capacity: 5 });
    const other = await createWorkshop(alice, { capacity: 5 });
    const joined = async (code: string, name: string, ip: string) => {
      const response = await joinRoute.POST(request("/api/join", { body: { code, displayName: name }, ip }));
      return ((await response.json()) as { learner: { id: string } }).learner.id;
    };
    const dana = await joined(joinCode, "Dana", "10.5.0.1");
    const outsider = await joined(other.joinCode, "Olaf", "10.5.0.2");
    const seen = new Map<string, LearnerEvent[]>([[dana, []], [outsider, []]]);
    const unsubscribe = [...seen.keys()].map((learnerId) => shared.events.subscribe(learnerId, (e) => seen.get(learnerId)!.push(e)));

    const notCovered = await locksRoute.POST(request("/x", { cookie: alice, body: { chapterId: "cache", locked: true } }), params(id));
    expect(notCovered.status).toBe(400);
    expect((await notCovered.json()).error).toMatch(/does not cover the chapter "cache"/);
    const badLock = await locksRoute.POST(request("/x", { cookie: alice, body: { chapterId: "layers", locked: "yes" } }), params(id));
    expect(badLock.status).toBe(400);

    const locked = await locksRoute.POST(request("/x", { cookie: alice, body: { chapterId: "layers", locked: true } }), params(id));
    expect(await locked.json()).toEqual({ lockedChapterIds: ["layers"] });
    await expect(assertChapterOpen(dana, "layers")).rejects.toMatchObject({ status: 403 });
    await expect(assertChapterOpen(dana, "anatomy")).resolves.toBeUndefined();
    await expect(assertChapterOpen(outsider, "layers")).resolves.toBeUndefined();

    const emptyBroadcast = await broadcastRoute.POST(request("/x", { cookie: alice, body: { text: "  " } }), params(id));
    expect(emptyBroadcast.status).toBe(400);
    expect((await emptyBroadcast.json()).error).toBe("Enter a message.");
    const sent = await broadcastRoute.POST(request("/x", { cookie: alice, body: { text: "Coffee break: back at 11:00" } }), params(id));
    expect(await sent.json()).toEqual({ recipients: 1 });
    expect(seen.get(dana)).toEqual([
      { type: "room", change: "chapters" },
      expect.objectContaining({ type: "broadcast", text: "Coffee break: back at 11:00", from: "Alice" }),
    ]);
    expect(seen.get(outsider)).toEqual([]);

    released.length = 0;
    const badEnd = await endRoute.POST(request("/x", { cookie: alice, body: { keepWork: "no" } }), params(id));
    expect(badEnd.status).toBe(400);
    expect((await badEnd.json()).error).toBe("Say whether the learners' work is kept (true or false).");
    expect(released).toEqual([]);
    // Without a body the members' work is kept (what loses nothing); the page sends {keepWork} from its checkbox.
    const rewarmsBefore = rewarms;
    const ended = await endRoute.POST(request("/x", { cookie: alice }), params(id));
    expect(await ended.json()).toEqual({ released: 1, failed: 0 });
    expect(released).toEqual([`${dana}:keep`]);
    // The sandboxes warmed for the room's empty seats go too.
    expect(rewarms).toBe(rewarmsBefore + 1);
    expect(seen.get(dana)?.at(-1)).toEqual({ type: "room", change: "ended" });
    expect((await lockedChaptersFor(dana)).size).toBe(0);
    expect((await endRoute.POST(request("/x", { cookie: alice }), params(id))).status).toBe(409);
    const lateJoin = await joinRoute.POST(request("/api/join", { body: { code: joinCode, displayName: "Late" }, ip: "10.5.0.3" }));
    expect(lateJoin.status).toBe(410);
    expect((await lateJoin.json()).error).toBe("This workshop has ended.");
    unsubscribe.forEach((u) => u());

    expect((await auditTrailOf(id)).map((e) => e.action)).toEqual(["workshop.create", "workshop.lock", "workshop.broadcast", "workshop.end"]);
  });

  it("signing out ends the session on the server", async () => {
    const cookie = await signIn("alice", "alice-password-1");
    expect((await sessionRoute.DELETE(request("/api/instructor/session", { method: "DELETE", cookie }))).status).toBe(204);
    expect((await workshopsRoute.POST(request("/api/instructor/workshops", { cookie, body: workshopBody() }))).status).toBe(401);
  });
});
