import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { parseConfig } from "@/lib/config";

/**
 * The terminal end to end on the server side, against real sandboxes: the real gateway (session cookie from the
 * real database, Origin check), the hub, `podman exec … tmux -CC` into the sandbox image, flow control.
 */

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "layerlab-terminal-"));

const { applyMigrations } = await import("../db/migrate");
const { configureDatabase, db } = await import("../db/client");
configureDatabase(`file:${path.join(dir, "test.db")}`);
const { startLearnerSession, SESSION_COOKIE } = await import("../auth/learner-session");
const { attachTerminalGateway } = await import("./terminal-gateway");
const { UpgradeRouter } = await import("../http/upgrade-router");
const { TerminalHub } = await import("./terminal-hub");
const { TerminalTestClient } = await import("./terminal-client.test-support");
const { podmanSandboxes, SANDBOX_IMAGE } = await import("./podman-sandboxes.test-support");
type TestClientOptions = import("./terminal-client.test-support").TestClientOptions;
type TestClient = import("./terminal-client.test-support").TerminalTestClient;
type Hub = InstanceType<typeof TerminalHub>;
type Gateway = ReturnType<typeof attachTerminalGateway>;

function imageExists(): boolean {
  try {
    execFileSync("podman", ["image", "exists", SANDBOX_IMAGE]);
    return true;
  } catch {
    return false;
  }
}

const lab = podmanSandboxes("test-terminal");
let server: http.Server;
let url: string;
let origin: string;
let hub: Hub;
let gateway: Gateway;
const prompts: { learnerId: string; exitCode: number | null }[] = [];
const cookies: Record<string, string> = {};
const learnerIds: Record<string, string> = {};

function start(): void {
  hub = new TerminalHub({ driver: lab.driver, sandboxes: lab.sandboxes }, { replayBytes: 256 * 1024 });
  hub.onPrompt((e) => prompts.push(e));
  const runtime = { config: parseConfig({}), driver: lab.driver, terminals: hub } as unknown as Parameters<typeof attachTerminalGateway>[1];
  server = http.createServer((_req, res) => res.end());
  gateway = attachTerminalGateway(new UpgradeRouter().attach(server), runtime);
}

async function listen(): Promise<void> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  url = `ws://127.0.0.1:${port}/ws/terminal`;
  origin = `http://127.0.0.1:${port}`;
}

function connect(learner: string, extra: Partial<TestClientOptions> = {}) {
  return TerminalTestClient.connect({ url, origin, cookie: `${SESSION_COOKIE}=${cookies[learner]}`, cols: 100, rows: 30, ...extra });
}

async function ready(client: TestClient) {
  const message = await client.waitForMessage("ready", 120_000);
  await client.waitForText(/\$ /, 30_000);
  return message;
}

describe.runIf(imageExists())("terminal into a real sandbox", () => {
  beforeAll(async () => {
    applyMigrations(path.join(dir, "test.db"));
    for (const name of ["ada", "linus"]) {
      const { learner, token } = await startLearnerSession(name);
      cookies[name] = token;
      learnerIds[name] = learner.id;
    }
    start();
    await listen();
  });

  afterAll(async () => {
    gateway?.close();
    await hub?.closeAll();
    server?.close();
    await lab.destroyAll();
    await db().$disconnect();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("attaches (with progress while the sandbox starts), types `echo hello` and sees the output", async () => {
    const client = await connect("ada");
    expect((await client.waitForMessage("status", 60_000)).message).toMatch(/sandbox/i);
    await ready(client);
    expect(client.text).toMatch(/learner@layerlab/);
    client.type("echo hello-from-$((40+2))\r");
    await client.waitForText("hello-from-42");
    await client.close();
  });

  it("re-runs checks on prompts: each prompt arrives with the command's exit code", async () => {
    const client = await connect("ada");
    await ready(client);
    prompts.length = 0;
    client.type("ls /nonexistent\r");
    await expect.poll(() => prompts.at(-1), { timeout: 10_000 }).toEqual({ learnerId: learnerIds.ada, exitCode: 2 });
    client.type("true\r");
    await expect.poll(() => prompts.at(-1), { timeout: 10_000 }).toEqual({ learnerId: learnerIds.ada, exitCode: 0 });
    await client.close();
  });

  it("resumes after a disconnect, and a new tab gets the same shell with its scrollback", async () => {
    const first = await connect("ada");
    await ready(first);
    first.type("export LAB_VAR=21; for i in $(seq 1 120); do echo int-line-$i; done\r");
    await first.waitForText("int-line-120");
    const position = first.position!;
    await first.close();

    const resumed = await connect("ada", { resumeFrom: position });
    expect(await resumed.waitForMessage("ready")).toMatchObject({ resumed: true, seq: position.seq });
    resumed.type("echo resumed-$((LAB_VAR*2))\r");
    await resumed.waitForText("resumed-42");
    await resumed.close();

    const fresh = await connect("ada");
    expect((await fresh.waitForMessage("ready")).resumed).toBe(false);
    await fresh.waitForText("resumed-42");
    // Lines 1 and 60 come back from tmux's history, 120 from the screen; each whole, none twice.
    for (const n of [1, 60, 120]) expect(fresh.text.match(new RegExp(`int-line-${n}(?!\\d)`, "g"))).toHaveLength(1);
    fresh.type("echo fresh-$((LAB_VAR*3))\r");
    await fresh.waitForText("fresh-63");
    await fresh.close();
  });

  it("survives a server restart: same shell, scrollback restored from tmux", async () => {
    const before = await connect("ada");
    await ready(before);
    before.type("for i in $(seq 1 80); do echo pre-restart-$i; done\r");
    await before.waitForText("pre-restart-80");
    const position = before.position!;

    gateway.close();
    await hub.closeAll();
    await before.waitForClose();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    start();
    await listen();

    const after = await connect("ada", { resumeFrom: position });
    expect((await after.waitForMessage("ready", 60_000)).resumed).toBe(false);
    await after.waitForText("pre-restart-80");
    expect(after.text).toContain("pre-restart-1\r\n");
    after.type("echo after-restart-$((LAB_VAR+1))\r");
    await after.waitForText("after-restart-22");
    await after.close();
  });

  it.each([
    ["yes", "yes layerlab-flood"],
    ["random base64", "cat /dev/urandom | base64"],
  ])("floods with %s for seconds to a slow consumer: server buffers stay bounded, then Ctrl-C works", async (_, command) => {
    const client = await connect("ada", { ackDelayMs: 200 });
    // Closed whatever happens: a connection left flooding would count in the next test's figures.
    onTestFinished(() => client.close());
    await ready(client);
    const rssBefore = process.memoryUsage().rss;
    client.type(`${command}\r`);
    let maxHeld = 0;
    let maxUnacked = 0;
    let maxSocket = 0;
    try {
      const started = Date.now();
      while (Date.now() - started < 5000) {
        await new Promise((r) => setTimeout(r, 50));
        const sockets = gateway.stats();
        maxHeld = Math.max(maxHeld, hub.stats().heldBytes);
        maxUnacked = Math.max(maxUnacked, sockets.unackedBytes);
        maxSocket = Math.max(maxSocket, sockets.socketBufferedBytes);
      }
    } finally {
      client.type("\x03");
    }
    const rssGrowth = process.memoryUsage().rss - rssBefore;
    console.log(
      `flood (${command}): ${(client.seq / 1e6).toFixed(1)} MB delivered in 5 s; server held at most ${maxHeld} B for replay, ` +
        `${maxUnacked} B unacked, ${maxSocket} B in the socket buffer; rss +${(rssGrowth / 1e6).toFixed(1)} MB`,
    );
    expect(client.seq).toBeGreaterThan(1_000_000);
    // The replay buffer's limit (plus one block), the flow-control window (plus one read from the pty), no more.
    expect(maxHeld).toBeLessThanOrEqual(256 * 1024 + 16 * 1024);
    expect(maxUnacked).toBeLessThan(512 * 1024 + 128 * 1024);
    expect(maxSocket).toBeLessThan(512 * 1024 + 128 * 1024);
    expect(rssGrowth).toBeLessThan(150 * 1024 * 1024);
    client.type("echo flood-over-$((2*21))\r");
    await client.waitForText("flood-over-42", 30_000);
  });

  it("keeps learners apart: linus's cookie reaches linus's own sandbox only", async () => {
    const ada = await connect("ada");
    await ready(ada);
    ada.type("echo ada-$((1+1)) > ~/ada-only.txt; hostname; echo host-done\r");
    await ada.waitForText("host-done");

    const linus = await connect("linus");
    await ready(linus);
    linus.type('cat ~/ada-only.txt; echo "var=[$LAB_VAR]"\r');
    await linus.waitForText("var=[]");
    expect(linus.text).toMatch(/No such file/);
    expect(linus.text).not.toContain("ada-2");
    await Promise.all([ada.close(), linus.close()]);
  });

  it("refuses a bad Origin (403) and a missing or forged session (401)", async () => {
    await expect(connect("ada", { origin: "http://evil.example" })).rejects.toThrow("HTTP 403");
    await expect(TerminalTestClient.connect({ url, origin })).rejects.toThrow("HTTP 401");
    await expect(TerminalTestClient.connect({ url, origin, cookie: `${SESSION_COOKIE}=forged` })).rejects.toThrow("HTTP 401");
  });

  it("answers a garbage control frame with an error, and the session continues", async () => {
    const client = await connect("ada");
    await ready(client);
    client.ws.send('{"type":"resize","cols":"wide"}');
    client.ws.send("\u0000garbage");
    await expect.poll(() => client.messages.filter((m) => m.type === "error").length).toBe(2);
    client.type("echo still-here-$((1+2))\r");
    await client.waitForText("still-here-3");
    await client.close();
  });
});
