import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import type { LearnerEvent } from "@/lib/learner-events";
import type { RoomEvent } from "@/lib/workshop/room";
import { TEST_DIALECTS, useTestDatabase } from "../db/test-databases.test-support";

// The instructor's live room against real databases: the feed's facts and events, who may watch a terminal,
// and the room routes as the browser reaches them (route handlers called with real Requests).
const { db } = await import("../db/client");
const { createSharedState } = await import("../lab");
const { instructorMayWatch } = await import("./watch-access");
const { startInstructorSession, INSTRUCTOR_COOKIE } = await import("../auth/instructor-session");
const { setRuntime } = await import("../runtime");
const roomRoute = await import("@/app/api/instructor/workshops/[id]/room/route");
const eventsRoute = await import("@/app/api/instructor/workshops/[id]/events/route");
const csvRoute = await import("@/app/api/instructor/workshops/[id]/results.csv/route");
const resetRoute = await import("@/app/api/instructor/workshops/[id]/learners/[learnerId]/reset/route");
const messageRoute = await import("@/app/api/instructor/workshops/[id]/learners/[learnerId]/message/route");

// The routes and the test share the lab's state as the custom server and its routes do: progress reaches the feed.
const shared = createSharedState();
const feed = shared.roomFeed;

const ORIGIN = "http://lab.test";
const settings = { stuckAfterMinutes: 10, repeatedFailures: 3 };

function request(path: string, init: { method?: string; body?: unknown; cookie?: string; origin?: string | null } = {}) {
  const headers: Record<string, string> = { host: "lab.test" };
  if (init.origin !== null) headers.origin = init.origin ?? ORIGIN;
  if (init.cookie) headers.cookie = init.cookie;
  const method = init.method ?? "POST";
  if (method !== "GET") headers["content-type"] = "application/json";
  return new Request(ORIGIN + path, { method, headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
}

function nextEvent(workshop: string, timeoutMs: number): Promise<RoomEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (stop(), reject(new Error(`no room event within ${timeoutMs} ms`))), timeoutMs);
    const stop = feed.subscribe(workshop, (event) => {
      clearTimeout(timer);
      stop();
      resolve(event);
    });
  });
}

describe.each(TEST_DIALECTS)("the live room on %s", (dialect) => {
  let release: () => Promise<void>;
  let workshopId = "";
  let otherRoom = "";
  let ada = "";
  let bob = "";
  let eve = "";
  let owner = "";
  let stranger = "";
  const resets: string[] = [];

  async function addLearner(name: string, workshop: string): Promise<string> {
    const id = randomUUID();
    await db().learner.create({ data: { id, displayName: name } });
    await db().workshopMembership.create({ data: { workshopId: workshop, learnerId: id } });
    return id;
  }

  async function addWorkshop(ownerId: string, title: string): Promise<string> {
    const id = randomUUID();
    await db().workshop.create({
      data: {
        id,
        title,
        chapterIds: JSON.stringify(["layers"]),
        startsAt: new Date(Date.now() - 60_000),
        endsAt: new Date(Date.now() + 3600_000),
        capacity: 10,
        joinCode: randomUUID().slice(0, 6).toUpperCase(),
        ownerId,
      },
    });
    return id;
  }

  const cookieOf = async (instructorId: string) => `${INSTRUCTOR_COOKIE}=${(await startInstructorSession(instructorId)).token}`;
  const params = (id: string) => ({ params: Promise.resolve({ id }) });
  const learnerParams = (id: string, learnerId: string) => ({ params: Promise.resolve({ id, learnerId }) });

  beforeAll(async () => {
    release = (await useTestDatabase(dialect)).release;
    setRuntime({ config: parseConfig({}), sandboxes: { reset: async (learnerId: string) => void resets.push(learnerId) }, ...shared } as never);
    await db().instructor.create({ data: { id: "inst", username: "inst", displayName: "Inst", role: "admin", passwordHash: "x" } });
    await db().instructor.create({ data: { id: "other", username: "other", displayName: "Other", role: "instructor", passwordHash: "x" } });
    workshopId = await addWorkshop("inst", "Room, \"the\" first");
    otherRoom = await addWorkshop("other", "Elsewhere");
    ada = await addLearner("Ada", workshopId);
    bob = await addLearner("=Bob", workshopId);
    eve = await addLearner("Eve", otherRoom);
    owner = await cookieOf("inst");
    stranger = await cookieOf("other");
  });
  afterAll(() => release());

  describe("feed", () => {
    it("the snapshot lists the workshop's members and steps", async () => {
      const snapshot = await feed.snapshot({ id: workshopId, chapterIds: ["layers"] }, settings);
      expect(snapshot.learners.map((l) => l.displayName).sort()).toEqual(["=Bob", "Ada"]);
      expect(snapshot.steps.map((s) => `${s.label} ${s.stepId}`)).toEqual(["1 fat", "2 slim", "3 chmod"]);
    });

    // How fast it arrives is bench:workshop's figure (verdict → dashboard); here the deadline only ends a hung test.
    it("a verdict reaches the dashboard of the learner's workshop, with the run's failing check", async () => {
      const event = nextEvent(workshopId, 30_000);
      await db().checkRun.create({
        data: {
          learnerId: ada,
          chapterId: "layers",
          stepId: "fat",
          passed: false,
          trigger: "prompt",
          durationMs: 10,
          results: JSON.stringify([{ id: "size", title: "Layer sizes", status: "failed", message: "layer 2 still holds 180 MB", details: "…" }]),
        },
      });
      await shared.progress.recordStepVerdict(ada, "layers", "fat", { passed: false, summary: "1 check fails." });
      const got = await event;
      expect(got.learners).toHaveLength(1);
      expect(got.learners[0]).toMatchObject({ learnerId: ada, displayName: "Ada" });
      expect(got.learners[0].runs[0].checks[0]).toEqual({ id: "size", title: "Layer sizes", status: "failed", message: "layer 2 still holds 180 MB" });
    });

    it("hint use is published too, and a burst of changes collapses into one event", async () => {
      const event = nextEvent(workshopId, 30_000);
      await Promise.all([shared.progress.recordHintOpened(ada, "layers", "fat", 1), shared.progress.recordHintOpened(bob, "layers", "fat", 2)]);
      const got = await event;
      expect(got.learners.map((l) => l.learnerId).sort()).toEqual([ada, bob].sort());
      expect(got.learners.find((l) => l.learnerId === bob)!.progress[0].hintsOpened).toBe(2);
    });

    it("another workshop's dashboard hears nothing of this room's learners", async () => {
      const heard: RoomEvent[] = [];
      const stop = feed.subscribe(otherRoom, (e) => heard.push(e));
      const mine = nextEvent(workshopId, 30_000);
      await shared.progress.recordHintOpened(ada, "layers", "slim", 1);
      await mine;
      stop();
      expect(heard).toEqual([]);
    });
  });

  describe("watching a terminal", () => {
    it("is allowed to the workshop's owner for its learners, and audited", async () => {
      expect(await instructorMayWatch(owner, { workshop: workshopId, learner: bob })).toBe(true);
      const trail = await db().auditEvent.findMany({ where: { workshopId, action: "learner.watch-terminal" } });
      expect(trail.map((e) => JSON.parse(e.detail))).toContainEqual({ learnerId: bob });
    });

    it("is refused to another instructor, for a learner of another room, and without a session", async () => {
      expect(await instructorMayWatch(stranger, { workshop: workshopId, learner: ada })).toBe(false);
      expect(await instructorMayWatch(owner, { workshop: workshopId, learner: eve })).toBe(false);
      expect(await instructorMayWatch(undefined, { workshop: workshopId, learner: ada })).toBe(false);
      expect(await instructorMayWatch(`${INSTRUCTOR_COOKIE}=forged`, { workshop: workshopId, learner: ada })).toBe(false);
    });
  });

  describe("routes", () => {
    it("the snapshot, the event stream and the CSV are for the owner only (another instructor gets 404, nobody 401)", async () => {
      const base = `/api/instructor/workshops/${workshopId}`;
      for (const [route, path] of [
        [roomRoute, "/room"],
        [eventsRoute, "/events"],
        [csvRoute, "/results.csv"],
      ] as const) {
        expect((await route.GET(request(base + path, { method: "GET", cookie: stranger }), params(workshopId))).status).toBe(404);
        expect((await route.GET(request(base + path, { method: "GET" }), params(workshopId))).status).toBe(401);
      }
      const room = await roomRoute.GET(request(`${base}/room?stuckAfter=5&repeated=2`, { method: "GET", cookie: owner }), params(workshopId));
      expect(room.status).toBe(200);
      expect(((await room.json()) as { settings: unknown }).settings).toEqual({ stuckAfterMinutes: 5, repeatedFailures: 2 });
      const bad = await roomRoute.GET(request(`${base}/room?repeated=99`, { method: "GET", cookie: owner }), params(workshopId));
      expect(bad.status).toBe(400);
    });

    it("the event stream opens for the owner and carries room events", async () => {
      const abort = new AbortController();
      const req = new Request(`${ORIGIN}/api/instructor/workshops/${workshopId}/events`, { headers: { host: "lab.test", cookie: owner }, signal: abort.signal });
      const response = await eventsRoute.GET(req, params(workshopId));
      expect(response.headers.get("content-type")).toBe("text/event-stream");
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      await reader.read(); // ": connected"
      await shared.progress.recordHintOpened(bob, "layers", "slim", 1);
      let text = "";
      while (!text.includes("data: ")) text += decoder.decode((await reader.read()).value);
      expect(JSON.parse(text.slice(text.indexOf("data: ") + 6).split("\n")[0])).toMatchObject({ type: "learners", learners: [{ learnerId: bob }] });
      abort.abort();
      await reader.cancel();
    });

    it("exports the results as a CSV file, quoted, with formulas defused, and audited", async () => {
      const response = await csvRoute.GET(request(`/x`, { method: "GET", cookie: owner }), params(workshopId));
      expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
      expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="results.csv"; filename\*=UTF-8''Room-the-first-results.csv$/);
      const lines = (await response.text()).split("\r\n");
      expect(lines[0]).toMatch(/^learner,steps passed,steps total,/);
      expect(lines.slice(1, 3).map((l) => l.split(",")[0]).sort()).toEqual(["'=Bob", "Ada"]);
      expect((await db().auditEvent.count({ where: { workshopId, action: "workshop.export" } }))).toBe(1);
    });

    it("reset and message need the owner, the same origin, and a learner of this workshop", async () => {
      const attempts = [
        // another instructor
        [{ cookie: stranger }, workshopId, ada, 404],
        // no session
        [{}, workshopId, ada, 401],
        // another site
        [{ cookie: owner, origin: "http://evil.test" }, workshopId, ada, 403],
        // no Origin at all
        [{ cookie: owner, origin: null }, workshopId, ada, 403],
        // a learner of another room
        [{ cookie: owner }, workshopId, eve, 404],
        // not an id
        [{ cookie: owner }, workshopId, "../x", 404],
      ] as const;
      for (const [auth, id, learner, status] of attempts) {
        const reset = await resetRoute.POST(request("/x", { ...auth, body: {} }), learnerParams(id, learner));
        const message = await messageRoute.POST(request("/x", { ...auth, body: { text: "hi" } }), learnerParams(id, learner));
        expect([reset.status, message.status], `${JSON.stringify(auth)} ${learner}`).toEqual([status, status]);
      }
      expect(resets).toEqual([]);
    });

    it("a message reaches that learner's page only, is kept and audited", async () => {
      const seen: Record<string, LearnerEvent[]> = { ada: [], bob: [] };
      const stops = [shared.events.subscribe(ada, (e) => seen.ada.push(e)), shared.events.subscribe(bob, (e) => seen.bob.push(e))];
      const empty = await messageRoute.POST(request("/x", { cookie: owner, body: { text: "  " } }), learnerParams(workshopId, ada));
      expect(empty.status).toBe(400);
      const sent = await messageRoute.POST(request("/x", { cookie: owner, body: { text: "Look at layer 2" } }), learnerParams(workshopId, ada));
      expect(sent.status).toBe(200);
      stops.forEach((stop) => stop());
      expect(seen.ada).toEqual([{ type: "message", from: "Inst", text: "Look at layer 2" }]);
      expect(seen.bob).toEqual([]);
      expect(await db().workshopMessage.findMany({ where: { workshopId }, select: { learnerId: true, text: true } })).toEqual([{ learnerId: ada, text: "Look at layer 2" }]);
      expect(await db().auditEvent.count({ where: { workshopId, action: "learner.message" } })).toBe(1);
    });

    it("reset gives the learner a fresh sandbox, tells them, and is audited", async () => {
      const seen: LearnerEvent[] = [];
      const stop = shared.events.subscribe(bob, (e) => seen.push(e));
      const response = await resetRoute.POST(request("/x", { cookie: owner, body: {} }), learnerParams(workshopId, bob));
      stop();
      expect(response.status).toBe(200);
      expect(resets).toEqual([bob]);
      // The learner's pages are told who gave them the fresh sandbox, as it starts and once it is there.
      const by = { kind: "instructor", name: "Inst" };
      expect(seen).toEqual([
        { type: "sandbox", change: "replacing", by },
        { type: "sandbox", change: "replaced", by },
      ]);
      const trail = await db().auditEvent.findMany({ where: { workshopId, action: "learner.reset-sandbox" } });
      expect(trail.map((e) => JSON.parse(e.detail))).toEqual([{ learnerId: bob }]);
    });
  });
});
