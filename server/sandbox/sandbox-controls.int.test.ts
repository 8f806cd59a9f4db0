import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { LearnerEvent } from "@/lib/learner-events";
import { TERMINAL_CLOSE } from "@/lib/terminal-protocol";
import { useTestDatabase } from "../db/test-databases.test-support";
import { asLearner, cleanUpInOrder, createTestDriver, requireSandboxImage, testConfig } from "./int-test-kit.test-support";

/**
 * A learner's own sandbox controls as the browser reaches them (the route handlers called with real Requests, a
 * real database), over real sandboxes and a real terminal (the gateway, a WebSocket client): "Restart my sandbox"
 * keeps files and images and the terminal comes back by itself; "Start over" gives a fresh sandbox with the
 * exercise's files; both refuse other sites and visitors, and are rate-limited per learner.
 * SQLite only: what matters here is the sandbox; the route's database use is a session lookup.
 */
const restartRoute = await import("@/app/api/sandbox/restart/route");
const startOverRoute = await import("@/app/api/sandbox/start-over/route");
const { startLearnerSession, SESSION_COOKIE } = await import("../auth/learner-session");
const { RateLimits } = await import("../auth/rate-limit");
const { createSharedState } = await import("../lab");
const { createDatabaseSandboxStore } = await import("../db/sandbox-assignments");
const { getChapter } = await import("../content/course");
const { drillVariant, getDrills } = await import("../content/drills");
const { createDrillAttempt } = await import("../db/drill-attempts");
const { setRuntime } = await import("../runtime");
const { SandboxManager, sandboxManagerOptions } = await import("./sandbox-manager");
const { TerminalHub } = await import("../terminal/terminal-hub");
const { attachTerminalGateway } = await import("../terminal/terminal-gateway");
const { UpgradeRouter } = await import("../http/upgrade-router");
const { TerminalTestClient } = await import("../terminal/terminal-client.test-support");
const { placeExerciseFiles } = await import("../workspace/exercise-workspace");

const ORIGIN = "http://lab.test";

function post(path: string, init: { cookie?: string; origin?: string | null; body?: unknown } = {}): Request {
  const headers: Record<string, string> = { host: "lab.test", "content-type": "application/json", "x-layerlab-peer": "10.9.0.1" };
  if (init.origin !== null) headers.origin = init.origin ?? ORIGIN;
  if (init.cookie) headers.cookie = init.cookie;
  return new Request(ORIGIN + path, { method: "POST", headers, body: JSON.stringify(init.body ?? {}) });
}

async function answer(response: Response): Promise<{ status: number; body: Record<string, unknown> }> {
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("a learner's own sandbox controls", () => {
  const test = createTestDriver("controls");
  let release: () => Promise<void>;
  let sandboxes: InstanceType<typeof SandboxManager>;
  let terminals: InstanceType<typeof TerminalHub>;
  let server: http.Server;
  let gateway: ReturnType<typeof attachTerminalGateway>;
  let wsUrl = "";
  let wsOrigin = "";
  let learnerId = "";
  let cookie = "";
  const shared = createSharedState();

  beforeAll(async () => {
    await requireSandboxImage();
    release = (await useTestDatabase("sqlite")).release;
    sandboxes = new SandboxManager({ ...sandboxManagerOptions(testConfig, { driver: test.driver, store: createDatabaseSandboxStore() }), poolSize: 0 });
    await sandboxes.start();
    terminals = new TerminalHub({
      driver: test.driver,
      sandboxes: { acquire: async (id, onProgress) => ({ id: (await sandboxes.acquire(id, onProgress && ((p) => onProgress({ phase: p.phase, message: p.phase })))).sandboxId }), touch: () => {} },
    });
    // The runtime is `shared` itself, so each test's fresh limits (beforeEach) are the routes' too.
    const runtime = Object.assign(shared, { config: testConfig, driver: test.driver, sandboxes, terminals }) as never;
    setRuntime(runtime);
    server = http.createServer((_req, res) => res.end());
    gateway = attachTerminalGateway(new UpgradeRouter().attach(server), runtime);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    wsUrl = `ws://127.0.0.1:${port}/ws/terminal`;
    wsOrigin = `http://127.0.0.1:${port}`;

    const { learner, token } = await startLearnerSession("Rita");
    learnerId = learner.id;
    cookie = `${SESSION_COOKIE}=${token}`;
  });

  afterAll(() =>
    cleanUpInOrder(
      () => gateway?.close(),
      () => terminals?.closeAll(),
      () => sandboxes?.shutdown(),
      () => server?.close(),
      () => test.cleanup(),
      () => release?.(),
    ),
  );
  // Every test starts with the limits untouched.
  beforeEach(() => void (shared.limits = new RateLimits()));

  function events(): { seen: LearnerEvent[]; stop: () => void } {
    const seen: LearnerEvent[] = [];
    return { seen, stop: shared.events.subscribe(learnerId, (e) => seen.push(e)) };
  }

  async function terminal() {
    const client = await TerminalTestClient.connect({ url: wsUrl, origin: wsOrigin, cookie, cols: 100, rows: 30 });
    await client.waitForMessage("ready", 120_000);
    await client.waitForText(/\$ /, 30_000);
    return client;
  }

  async function sandbox(): Promise<string> {
    return (await sandboxes.sandboxOf(learnerId))!;
  }

  it("Restart keeps the learner's files and images, refuses visitors and other sites, and the terminal comes back by itself", async () => {
    const chapter = (await getChapter("anatomy"))!;
    const { sandboxId } = await sandboxes.acquire(learnerId);
    await placeExerciseFiles({ driver: test.driver, sandboxId, workdir: chapter.workdir }, chapter.files);
    const made = await asLearner(
      test.driver,
      sandboxId,
      "set -e; echo kept-42 > ~/notes.txt; echo gone > /tmp/marker; mkdir -p ~/ctx && cd ~/ctx && echo hi > f && printf 'FROM scratch\\nCOPY f /f\\n' > Dockerfile && docker build -q -t mine:1 . >/dev/null",
    );
    expect(made.exitCode, made.stderr).toBe(0);
    // Positive control: the file, the image and a file in /tmp (memory, not the disk) are there before.
    const state = () => asLearner(test.driver, sandboxId, "cat ~/notes.txt; docker image inspect -f ok mine:1 2>&1; cat /tmp/marker 2>/dev/null || echo no-marker");
    expect((await state()).stdout).toBe("kept-42\nok\ngone\n");

    const client = await terminal();
    const refusals = [
      [{ origin: "http://evil.test", cookie }, 403, "cross_site"],
      [{ origin: null, cookie }, 403, "cross_site"],
      [{}, 401, "unauthenticated"],
      [{ cookie: `${SESSION_COOKIE}=not-a-session` }, 401, "unauthenticated"],
    ] as const;
    const { seen, stop } = events();
    for (const [init, status, code] of refusals) {
      expect(await answer(await restartRoute.POST(post("/api/sandbox/restart", init))), JSON.stringify(init)).toMatchObject({ status, body: { code } });
    }
    // Nothing happened: no event, the same shell (the marker in /tmp is still there).
    expect(seen).toEqual([]);
    expect((await state()).stdout).toBe("kept-42\nok\ngone\n");

    // The same request, same-origin and signed in, restarts it.
    const restarted = await answer(await restartRoute.POST(post("/api/sandbox/restart", { cookie })));
    stop();
    expect(restarted).toEqual({ status: 200, body: { restarted: true } });
    expect(await sandbox()).toBe(sandboxId);
    expect((await state()).stdout).toBe("kept-42\nok\nno-marker\n");
    expect(seen).toEqual([
      { type: "sandbox", change: "restarting", by: { kind: "learner" } },
      { type: "sandbox", change: "restarted", by: { kind: "learner" } },
    ]);

    // The tab was told "re-attaching", not "your sandbox stopped": it reconnects without the learner, into the
    // restarted sandbox, and the shell there sees the file.
    expect(await client.waitForClose(60_000)).toBe(TERMINAL_CLOSE.goingAway);
    const again = await terminal();
    again.type("cat ~/notes.txt\r");
    await again.waitForText("kept-42");
    await again.close();
  });

  it("Start over gives a fresh sandbox with the exercise's files: the learner's files and images are gone", async () => {
    const chapter = (await getChapter("anatomy"))!;
    const before = await sandbox();
    const made = await asLearner(test.driver, before, `set -e; echo mine > ~/notes.txt; echo 'FROM scratch # edited' > ${chapter.workdir}/Dockerfile; docker image inspect -f ok mine:1`);
    expect(made.stdout.trim(), made.stderr).toBe("ok");

    const { seen, stop } = events();
    const crossSite = await answer(await startOverRoute.POST(post("/api/sandbox/start-over", { cookie, origin: "http://evil.test", body: { chapterId: "anatomy" } })));
    expect(crossSite).toMatchObject({ status: 403, body: { code: "cross_site" } });
    const visitor = await answer(await startOverRoute.POST(post("/api/sandbox/start-over", { body: { chapterId: "anatomy" } })));
    expect(visitor).toMatchObject({ status: 401, body: { code: "unauthenticated" } });
    const unknown = await answer(await startOverRoute.POST(post("/api/sandbox/start-over", { cookie, body: { chapterId: "no-such-chapter" } })));
    expect(unknown).toMatchObject({ status: 404, body: { code: "not_found" } });
    expect(await sandbox()).toBe(before);
    expect(seen).toEqual([]);

    const fresh = await answer(await startOverRoute.POST(post("/api/sandbox/start-over", { cookie, body: { chapterId: "anatomy" } })));
    stop();
    expect(fresh).toMatchObject({ status: 200, body: { fresh: true } });
    expect((fresh.body.placed as string[]).sort()).toEqual(chapter.files.map((f) => f.path).sort());
    const after = await sandbox();
    expect(after).not.toBe(before);
    expect((await test.driver.list()).map((s) => s.id)).not.toContain(before);
    const state = await asLearner(test.driver, after, "ls ~/notes.txt 2>&1 || true; docker image inspect mine:1 >/dev/null 2>&1 && echo image || echo no-image");
    expect(state.stdout).toMatch(/No such file[\s\S]*no-image/);
    for (const file of chapter.files) {
      expect((await test.driver.readFile(after, `${chapter.workdir}/${file.path}`)).toString("utf8")).toBe(file.content);
    }
    expect(seen).toEqual([
      { type: "sandbox", change: "replacing", by: { kind: "learner" } },
      { type: "sandbox", change: "replaced", by: { kind: "learner" } },
    ]);
  });

  it("Start over on a drill's page puts back the learner's variant of that drill's project", async () => {
    const drill = (await getDrills())[0];
    const seed = 7;
    const { sandboxId: before } = await sandboxes.acquire(learnerId);
    // Positive control: without an attempt there is nothing to start over (409, nothing thrown away).
    const early = await answer(await startOverRoute.POST(post("/api/sandbox/start-over", { cookie, body: { drillId: drill.id } })));
    expect(early).toMatchObject({ status: 409, body: { error: "Start the drill first." } });
    expect(await sandbox()).toBe(before);

    await createDrillAttempt({ learnerId, drillId: drill.id, seed, workshopId: null });
    const fresh = await answer(await startOverRoute.POST(post("/api/sandbox/start-over", { cookie, body: { drillId: drill.id } })));
    expect(fresh).toMatchObject({ status: 200, body: { fresh: true } });
    const after = await sandbox();
    expect(after).not.toBe(before);
    for (const file of drillVariant(drill, seed).files) {
      expect((await test.driver.readFile(after, `${drill.workdir}/${file.path}`)).toString("utf8")).toBe(file.content);
    }
  });

  it("a learner without a sandbox is told so; controls are rate-limited per learner", async () => {
    const { token } = await startLearnerSession("Sam");
    const sam = `${SESSION_COOKIE}=${token}`;
    expect(await answer(await restartRoute.POST(post("/api/sandbox/restart", { cookie: sam })))).toMatchObject({ status: 409, body: { code: "conflict" } });
    // Positive control: three more requests are answered for what they ask (a chapter that does not exist)...
    for (let i = 0; i < 3; i++) {
      expect(await answer(await startOverRoute.POST(post("/api/sandbox/start-over", { cookie: sam, body: { chapterId: "nope" } })))).toMatchObject({ status: 404 });
    }
    // ...then the fifth within seconds is refused before anything is looked at, with when to try again.
    const limited = await startOverRoute.POST(post("/api/sandbox/start-over", { cookie: sam, body: { chapterId: "nope" } }));
    expect(await answer(limited)).toMatchObject({ status: 429, body: { code: "rate_limited", error: expect.stringMatching(/Wait \d+ s/) } });
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    // Another learner's budget is their own.
    expect(await answer(await startOverRoute.POST(post("/api/sandbox/start-over", { cookie, body: { chapterId: "nope" } })))).toMatchObject({ status: 404 });
  });
});
