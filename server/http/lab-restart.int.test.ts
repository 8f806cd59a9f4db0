import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TERMINAL_CLOSE, TERMINAL_PATH } from "@/lib/terminal-protocol";
import type { StartEvent } from "@/lib/workspace/workspace-api";
import { asLearner, cleanUpInOrder, requireSandboxImage, testConfig } from "../sandbox/int-test-kit.test-support";
import { createPodmanDriver } from "../sandbox/podman-driver";
import { TerminalTestClient } from "../terminal/terminal-client.test-support";
import { startLabServer, type LabServer } from "./lab-server.test-support";

/**
 * Issue 10, "SIGKILL the lab server": a learner works in chapter 01 (edits the Dockerfile, writes a file, builds an
 * image, prints lines in the shell, opens a hint), then the real lab server process is SIGKILLed, with no shutdown
 * code running, and a new one starts on the same data directory and database. The learner's cookie still works, the
 * terminal comes back into the same sandbox with the scrollback from tmux, the file and the image are there, the
 * chapter's start keeps the edited files, and the opened hint is still on the chapter page. Positive controls:
 * each of those is checked before the kill, and the hint's text is absent from the page before it is opened.
 */

const CHAPTER = "anatomy";
const STEP = "build";
const HINT = "Run it in the folder that holds the Dockerfile.";
const instance = `test-restart-${randomBytes(3).toString("hex")}`;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `layerlab-${instance}-`));
// The lab's own sandboxes, seen from outside through a driver of the same instance and disk directory.
const driver = createPodmanDriver({
  image: testConfig.LAYERLAB_SANDBOX_IMAGE,
  network: testConfig.LAYERLAB_NETWORK,
  registry: testConfig.LAYERLAB_REGISTRY,
  diskDir: path.join(dataDir, "disks"),
  instance,
});
const mark = randomBytes(4).toString("hex");

const labs: LabServer[] = [];
const terminals: TerminalTestClient[] = [];
let lab: LabServer;
let cookie = "";

async function startLab(): Promise<LabServer> {
  const started = await startLabServer({ instance, dataDir });
  labs.push(started);
  return started;
}

function post(route: string, body: unknown = {}): Promise<Response> {
  return fetch(`${lab.base}${route}`, { method: "POST", headers: { origin: lab.origin, cookie, "content-type": "application/json" }, body: JSON.stringify(body) });
}

/** The chapter's start, as the page calls it on load: NDJSON progress lines, then the outcome. */
async function startChapter(): Promise<Extract<StartEvent, { ready: true }>> {
  const response = await post(`/api/chapters/${CHAPTER}/start`);
  expect(response.status).toBe(200);
  const events = (await response.text()).trim().split("\n").map((line) => JSON.parse(line) as StartEvent);
  const last = events.at(-1)!;
  expect(last, JSON.stringify(events.slice(-3))).toHaveProperty("ready", true);
  return last as Extract<StartEvent, { ready: true }>;
}

async function chapterPage(): Promise<string> {
  const response = await fetch(`${lab.base}/chapters/${CHAPTER}`, { headers: { cookie } });
  expect(response.status).toBe(200);
  return response.text();
}

async function openTerminal(resumeFrom?: TerminalTestClient["position"]): Promise<{ client: TerminalTestClient; ready: { resumed: boolean; restore: number } }> {
  const client = await TerminalTestClient.connect({ url: `ws://127.0.0.1:${lab.port}${TERMINAL_PATH}`, origin: lab.origin, cookie, resumeFrom });
  terminals.push(client);
  const ready = await client.waitForMessage("ready", 150_000);
  await client.waitForText(/\$ /, 30_000);
  return { client, ready };
}

/** The instance's sandboxes; the lab keeps no spare (pool 0), so the learner's is the only one. */
async function learnerSandbox(): Promise<{ id: string; running: boolean }> {
  const all = await driver.list();
  expect(all.map((s) => s.id)).toHaveLength(1);
  return { id: all[0].id, running: all[0].running };
}

/** What the learner made, read from inside their sandbox (not through the lab server). */
async function learnerWork(id: string): Promise<{ note: string; dockerfile: string; image: string }> {
  const read = async (script: string) => {
    const result = await asLearner(driver, id, script);
    expect(result.exitCode, `${script}: ${result.stderr}`).toBe(0);
    return result.stdout.trim();
  };
  return {
    note: await read("cat ~/probe/note.txt"),
    dockerfile: await read("cat ~/docker-node-hello/Dockerfile"),
    image: await read("docker image inspect --format '{{.Id}}' restart-probe:1"),
  };
}

beforeAll(async () => {
  await requireSandboxImage();
  lab = await startLab();
  const session = await fetch(`${lab.base}/api/session`, { method: "POST", headers: { origin: lab.origin, "content-type": "application/json" }, body: JSON.stringify({ displayName: "Restart Learner" }) });
  expect(session.status).toBe(201);
  cookie = session.headers.getSetCookie()[0].split(";")[0];
});

afterAll(() =>
  cleanUpInOrder(
    ...terminals.map((t) => () => t.close()),
    ...labs.map((l) => () => l.stop()),
    async () => {
      for (const s of await driver.list()) await driver.destroy(s.id);
    },
    () => fs.rmSync(dataDir, { recursive: true, force: true }),
  ),
);

describe("SIGKILL of the lab server", () => {
  it("keeps the learner's session, sandbox, files, image, scrollback and progress", async () => {
    const placed = await startChapter();
    expect(placed.placed).toContain("Dockerfile");

    // The learner's work, through the terminal as they would do it. Outputs are computed ($((…))), so the echo
    // of what was typed never matches them.
    const before = await openTerminal();
    before.client.type(
      [
        `echo "# edited-${mark}" >> ~/docker-node-hello/Dockerfile`,
        `mkdir -p ~/probe && cd ~/probe && echo kept-${mark} > note.txt`,
        `printf 'FROM scratch\\nCOPY note.txt /note.txt\\n' > Dockerfile`,
        `docker build -q -t restart-probe:1 . && echo built-$((40+2))`,
        `for i in $(seq 1 40); do echo before-kill-$((i*1000)); done`,
      ].join(" && ") + "\r",
    );
    await before.client.waitForText("before-kill-40000", 120_000);
    expect(before.client.text).toContain("built-42");

    // Positive controls: the work is in the learner's sandbox, and the hint is opened and recorded.
    const sandbox = await learnerSandbox();
    expect(sandbox.running).toBe(true);
    const work = await learnerWork(sandbox.id);
    expect(work.note).toBe(`kept-${mark}`);
    expect(work.dockerfile).toContain(`# edited-${mark}`);
    expect(work.image).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await chapterPage()).not.toContain(HINT);
    const hint = await post(`/api/chapters/${CHAPTER}/steps/${STEP}/hint`);
    expect(hint.status).toBe(200);
    expect(((await hint.json()) as { hints: string[] }).hints).toHaveLength(1);
    expect(await chapterPage()).toContain(HINT);
    const position = before.client.position!;

    await lab.kill();

    // The tab sees its connection drop (not "stopped while you were away", not a shell exit), so the page shows
    // "Connection lost. Reconnecting…" and reconnects by itself.
    const code = await before.client.waitForClose(30_000);
    expect(code).not.toBe(TERMINAL_CLOSE.sandboxStopped);
    expect(code).not.toBe(1000);
    // The sandbox outlives the server.
    expect(await learnerSandbox()).toEqual({ id: sandbox.id, running: true });

    lab = await startLab();

    // The same cookie is the same learner, with the opened hint on the chapter page.
    expect(await chapterPage()).toContain(HINT);
    // The page's start finds the sandbox and keeps the learner's edited files.
    const again = await startChapter();
    expect(again.placed).toEqual([]);
    expect(again.kept).toContain("Dockerfile");

    // The tab reconnects from where it was: a new stream (the old server's is gone), restored from tmux's
    // snapshot with the lines printed before the kill, into the same shell in the same sandbox.
    const after = await openTerminal(position);
    expect(after.ready.resumed).toBe(false);
    expect(after.ready.restore).toBeGreaterThan(0);
    // The first lines come back from tmux's history, the last from the screen (drawn by cursor position).
    expect(after.client.text).toContain("before-kill-1000\r\n");
    expect(after.client.text).toMatch(/before-kill-40000(?!\d)/);
    after.client.type(`cat note.txt; docker image inspect --format '{{.Id}}' restart-probe:1 | sed 's/^/image-/'; echo after-$((6*7))\r`);
    await after.client.waitForText("after-42", 60_000);
    expect(after.client.text).toContain(`kept-${mark}`);
    expect(after.client.text).toContain(`image-${work.image}`);

    // And from outside: still the one sandbox, holding the same file, Dockerfile and image.
    expect(await learnerSandbox()).toEqual({ id: sandbox.id, running: true });
    expect(await learnerWork(sandbox.id)).toEqual(work);
  });
});
