import { execFileSync } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_CONTROL_MESSAGE_BYTES, TERMINAL_CLOSE, TERMINAL_PATH, TERMINAL_WATCH_PATH } from "@/lib/terminal-protocol";
import { hostTmuxDriver, lateAttach } from "./host-tmux.test-support";
import { UpgradeRouter, type UpgradeHandler } from "@/server/http/upgrade-router";
import { createTerminalGateway, type TerminalGateway } from "./terminal-gateway";
import { TerminalHub, type PromptEvent } from "./terminal-hub";
import { TerminalTestClient, type TestClientOptions } from "./terminal-client.test-support";

/** Every byte a learner's terminal shows, as a read-only viewer gets it: the snapshot at each attach, then the output. */
function watchOutput(hub: TerminalHub, learnerId: string, onData: (chunk: Uint8Array) => void): () => void {
  return hub.watchWith(learnerId, {
    watcher: true,
    start: (info) => {
      if (info.restore) onData(info.restore);
      for (const chunk of info.replay) onData(chunk);
    },
    output: onData,
    end: () => {},
  });
}

/**
 * The whole server side of the terminal (gateway, hub, session, tmux control mode, flow control) against tmux on
 * this host configured like the sandbox image. The same scenarios run against real sandboxes in
 * terminal.int.test.ts.
 */

const hostDriver = hostTmuxDriver();
// The learner "late": tmux reads the lab's commands before it attaches the lab's client (see lateAttach).
const driver: typeof hostDriver = {
  ...hostDriver,
  ptyCommand: (id, command, options) => {
    const pty = hostDriver.ptyCommand(id, command, options);
    return id === "sandbox-of-late" ? lateAttach(pty) : pty;
  },
};
let server: http.Server;
let url: string;
let origin: string;
let hub: TerminalHub;
let gateway: TerminalGateway;
const prompts: PromptEvent[] = [];
const WORKSHOP = "6f1c7c3e-2b1a-4f5e-9d7a-0c1b2a3d4e5f";

function startLab(): void {
  hub = new TerminalHub(
    {
      driver,
      sandboxes: {
        acquire: async (learnerId, onProgress) => {
          onProgress?.({ phase: "starting sandbox", message: "Starting your sandbox…", percent: 30 });
          return { id: `sandbox-of-${learnerId}` };
        },
        touch: () => {},
        // The learner "killed" is active: their sandbox was not stopped on purpose.
        isIdle: (learnerId) => learnerId !== "killed",
      },
    },
    // pause-after well beyond any test's flood: the skip test pauses the pane itself, and tmux pausing by itself
    // during the Ctrl-C test (a tab 2 s behind on a busy machine) would skip before the Ctrl-C it is about.
    { graceMs: 60_000, replayBytes: 256 * 1024, pauseAfterSeconds: 30 },
  );
  hub.onPrompt((e) => prompts.push(e));
  gateway = createTerminalGateway({
    hub,
    allowedOrigins: [],
    authenticate: async (req) => {
      const learner = /(?:^|; )test_learner=([\w-]+)/.exec(req.headers.cookie ?? "")?.[1];
      return learner ? { id: learner } : null;
    },
    // The owner of WORKSHOP may watch its learners; the real check (instructor session, ownership, membership)
    // is server/workshop/watch-access.ts.
    authorizeWatch: async (req, query) => /(?:^|; )test_instructor=owner/.test(req.headers.cookie ?? "") && query.workshop === WORKSHOP,
    connection: { stallMs: 60_000 },
  });
}

beforeAll(async () => {
  startLab();
  server = http.createServer((_req, res) => res.end("ok"));
  // To whichever gateway is current: the restart test replaces it.
  const current: UpgradeHandler = (...args) => gateway.upgrade(...args);
  new UpgradeRouter().attach(server).route(TERMINAL_PATH, current).route(TERMINAL_WATCH_PATH, current);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  url = `ws://127.0.0.1:${port}/ws/terminal`;
  origin = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  gateway.close();
  await hub.closeAll();
  server.close();
  driver.cleanup();
});

function connect(learner: string, extra: Partial<TestClientOptions> = {}): Promise<TerminalTestClient> {
  return TerminalTestClient.connect({ url, origin, cookie: `test_learner=${learner}`, cols: 100, rows: 30, ...extra });
}

async function ready(client: TerminalTestClient) {
  const message = await client.waitForMessage("ready");
  // The first prompt (or the restored screen) shows the shell is there.
  await client.waitForText(/[$#] /);
  return message;
}

describe("terminal gateway (host tmux)", { timeout: 40_000 }, () => {
  it("attaches, shows status while starting, runs a command and sees its output", async () => {
    const client = await connect("ada");
    const status = await client.waitForMessage("status");
    expect(status.message).toMatch(/Starting/);
    await ready(client);
    client.type("echo hello-$((6*7))\r");
    await client.waitForText("hello-42");
    await client.close();
  });

  it("reports each return to a prompt with the exit code of the command", async () => {
    const client = await connect("ada");
    await ready(client);
    prompts.length = 0;
    client.type("false\r");
    await expect.poll(() => prompts.find((p) => p.exitCode === 1)).toEqual({ learnerId: "ada", exitCode: 1 });
    client.type("(exit 7)\r");
    await expect.poll(() => prompts.find((p) => p.exitCode === 7)).toEqual({ learnerId: "ada", exitCode: 7 });
    await client.close();
  });

  it("does not announce the prompt a command typed by the lab brings back, only the learner's next one", async () => {
    const client = await connect("typist");
    await ready(client);
    prompts.length = 0;
    hub.labTypes("typist");
    client.type("(exit 3)\r");
    hub.labTyped("typist");
    client.type("(exit 4)\r");
    await expect.poll(() => prompts.find((p) => p.exitCode === 4)).toEqual({ learnerId: "typist", exitCode: 4 });
    expect(prompts.find((p) => p.exitCode === 3)).toBeUndefined();
    await client.close();
  });

  it("announces a learner's prompt that came while the lab was about to type, once the lab typed nothing", async () => {
    const client = await connect("first-try");
    await ready(client);
    prompts.length = 0;
    hub.labTypes("first-try");
    const before = client.text.length;
    client.type("(exit 5)\r");
    // The prompt after it is there, and held: the lab does not know yet whether it is its own.
    await client.waitForText(/133;D;5[^]*133;A/, 15_000, before);
    expect(prompts).toEqual([]);
    hub.labTypedNothing("first-try");
    expect(prompts).toEqual([{ learnerId: "first-try", exitCode: 5 }]);
    await client.close();
  });

  it("when the lab typed after a learner's prompt, announces the learner's and swallows only the lab's", async () => {
    const client = await connect("both");
    await ready(client);
    prompts.length = 0;
    hub.labTypes("both");
    const before = client.text.length;
    client.type("(exit 6)\r");
    await client.waitForText(/133;D;6[^]*133;A/, 15_000, before);
    client.type("(exit 7)\r");
    await client.waitForText(/133;D;7[^]*133;A/, 15_000, before);
    hub.labTyped("both");
    expect(prompts).toEqual([{ learnerId: "both", exitCode: 6 }]);
    client.type("(exit 8)\r");
    await expect.poll(() => prompts.at(-1)).toEqual({ learnerId: "both", exitCode: 8 });
    await client.close();
  });

  it("says in one line what to do when Docker's engine fails in a way the lab knows, and only then", async () => {
    const client = await connect("engine");
    await ready(client);
    // The typed command line must not itself hold the error: %s puts the words together only in the output.
    client.type("printf 'ERROR: failed to prepare extraction %s \"extract-1 sha256:aa\": parent snapshot sha256:bb does not exist: not found\\n' snapshot; echo done-one\r");
    await client.waitForText("done-one\r\n");
    await client.waitForText(/\[layerlab\].*known race in Docker's engine.*run the same build again/);
    // Control: a build error of the learner's own gets no advice.
    const before = client.text.length;
    client.type("printf 'ERROR: failed to %s: process did not complete successfully: exit code: 1\\n' solve; echo done-two\r");
    // Until the prompt's mark after it: a notice would have come before that.
    await client.waitForText(/done-two\r\n[\s\S]*133;A/, 15_000, before);
    expect(client.text.slice(before)).not.toContain("[layerlab]");
    await client.close();
  });

  it("resumes a dropped connection exactly where it was, including output made while away", async () => {
    const first = await connect("ada");
    await ready(first);
    first.type("export LLVAR=21; echo set-$((LLVAR+0))\r");
    // Up to the end of the prompt after it (its mark, then the prompt's own "$ " or "# "): the position taken then
    // is the last byte the idle shell sends, so nothing arrives between it and the drop.
    await first.waitForText(/set-21\r\n[^]*133;A[^]*[$#] $/);
    const position = first.position!;
    await first.close();

    const seen = first.seq;
    const second = await connect("ada", { resumeFrom: position });
    const readyMessage = await second.waitForMessage("ready");
    expect(readyMessage).toMatchObject({ resumed: true, seq: seen, restore: 0 });
    second.type("echo again-$((LLVAR*2))\r");
    await second.waitForText("again-42");
    // Nothing from before the drop is sent again.
    expect(second.text).not.toContain("set-21");
    await second.close();
  });

  it("gives a new tab the same shell with its scrollback, from tmux", async () => {
    const first = await connect("ada");
    await ready(first);
    first.type("for i in $(seq 1 200); do echo scroll-line-$i; done\r");
    await first.waitForText("scroll-line-200");
    await first.close();

    const second = await connect("ada");
    const readyMessage = await second.waitForMessage("ready");
    expect(readyMessage.resumed).toBe(false);
    expect(readyMessage.restore).toBeGreaterThan(0);
    await second.waitForText("scroll-line-200");
    // Lines long scrolled off the 30-row screen are in the restored scrollback, none missing.
    for (const n of [1, 50, 100, 170]) expect(second.text).toContain(`scroll-line-${n}\r\n`);
    second.type("echo still-$((LLVAR*3))\r");
    await second.waitForText("still-63");
    await second.close();
  });

  it("after a server restart, brings back the same shell and its scrollback, as long as the browser's", async () => {
    const before = await connect("grace");
    await ready(before);
    // More lines than a screen and than the 2,000 a snapshot used to carry; the browser keeps 10,000.
    before.type("export RESTARTVAR=5; seq -f before-restart-%g 1 8000\r");
    await before.waitForText("before-restart-8000");
    const position = before.position!;

    // What the lead's shutdown does: close the sockets, detach from every tmux. The shells live on.
    gateway.close();
    await hub.closeAll();
    expect(await before.waitForClose()).toBe(1001);
    startLab();

    const after = await connect("grace", { resumeFrom: position });
    const readyMessage = await after.waitForMessage("ready");
    expect(readyMessage.resumed).toBe(false);
    expect(readyMessage.stream).not.toBe(position.stream);
    await after.waitForText("before-restart-8000");
    expect(after.text).toContain("before-restart-1\r\n");
    after.type("echo restored-$((RESTARTVAR*2))\r");
    await after.waitForText("restored-10");
    await after.close();
  });

  it("keeps server memory bounded under `yes` with a consumer that stops acking, and the shell still answers", async () => {
    const client = await connect("flood", { autoAck: false });
    await ready(client);
    client.type("yes\r");
    let maxHeld = 0;
    let maxUnread = 0;
    const started = Date.now();
    while (Date.now() - started < 3000) {
      await new Promise((r) => setTimeout(r, 100));
      maxHeld = Math.max(maxHeld, hub.stats().heldBytes);
      maxUnread = Math.max(maxUnread, client.seq);
    }
    // Paused at the high watermark (512 KiB unacked): the pty is paused, nothing grows.
    expect(hub.stats().paused).toBe(1);
    expect(gateway.stats().unackedBytes).toBeLessThan(512 * 1024 + 128 * 1024);
    expect(maxHeld).toBeLessThanOrEqual(256 * 1024 + 16 * 1024);
    expect(maxUnread).toBeLessThan(2 * 1024 * 1024);
    const stalledAt = client.seq;
    await new Promise((r) => setTimeout(r, 500));
    expect(client.seq - stalledAt).toBeLessThan(64 * 1024);

    // The browser catches up (acks); output flows again, and Ctrl-C stops `yes`. Whatever tmux held for longer
    // than pause-after (2 s here) it skipped, so the prompt comes after little more output.
    const resumedAt = client.seq;
    client.control({ type: "ack", bytes: client.seq + 10_000_000 });
    client.type("\x03");
    client.control({ type: "ack", bytes: 100_000_000 });
    const acker = setInterval(() => client.control({ type: "ack", bytes: 1_000_000 }), 20);
    try {
      client.type("echo after-flood-$((2+3))\r");
      await client.waitForText("after-flood-5", 20_000);
    } finally {
      clearInterval(acker);
    }
    console.log(`after the stall: ${client.seq - resumedAt} B until the prompt`);
    expect(client.seq - resumedAt).toBeLessThan(4 * 1024 * 1024);
    expect(hub.stats().paused).toBe(0);
    await client.close();
  });

  it("refuses an upgrade without a session cookie (401) or from another origin (403)", async () => {
    await expect(TerminalTestClient.connect({ url, origin })).rejects.toThrow("HTTP 401");
    await expect(TerminalTestClient.connect({ url, origin: "http://evil.example", cookie: "test_learner=ada" })).rejects.toThrow("HTTP 403");
    await expect(TerminalTestClient.connect({ url, cookie: "test_learner=ada" })).rejects.toThrow("HTTP 403");
  });

  it("is reached only on its own paths: the upgrade router answers any other path 404", async () => {
    await expect(TerminalTestClient.connect({ url: url.replace("/ws/terminal", "/_next/webpack-hmr"), origin, cookie: "test_learner=ada" })).rejects.toThrow("HTTP 404");
  });

  it("shows what a learner types and its output, at the tab's size, even when tmux attaches the lab late", async () => {
    // A new shell: tmux has no session until its attach runs.
    const first = await connect("late");
    await ready(first);
    first.type("echo late-$((2+3))\r");
    await first.waitForText("late-5");
    await first.close();
    // Its existing shell, attached again (as after a server restart), from a tab of another size: what the shell
    // prints straight after the restored screen reaches the tab, and the size is the tab's.
    await hub.letGo("late");
    const again = await connect("late", { cols: 87, rows: 23 });
    await ready(again);
    again.type("stty size; echo again-$((3+4))\r");
    await again.waitForText("again-7");
    expect(again.text).toContain("23 87");
    await again.close();
  });

  it("keeps learners apart: another learner's cookie reaches only their own shell", async () => {
    const ada = await connect("ada");
    await ready(ada);
    ada.type("export SECRET=ada-secret-$((1+1)); echo \"$SECRET\"\r");
    await ada.waitForText("ada-secret-2");

    const linus = await connect("linus");
    await ready(linus);
    linus.type('echo "secret=[$SECRET]"\r');
    await linus.waitForText("secret=[]");
    expect(linus.text).not.toContain("ada-secret-2");
    await Promise.all([ada.close(), linus.close()]);
  });

  it("answers garbage, oversized and out-of-place control frames with an error and carries on", async () => {
    const client = await connect("ada");
    await ready(client);
    client.ws.send("{not json");
    client.ws.send(JSON.stringify({ type: "resize", cols: -1, rows: 5 }));
    client.ws.send(JSON.stringify({ type: "ping", pad: "x".repeat(MAX_CONTROL_MESSAGE_BYTES) }));
    client.control({ type: "hello", cols: 80, rows: 24 });
    await expect.poll(() => client.messages.filter((m) => m.type === "error").length).toBe(4);
    const errors = client.messages.filter((m) => m.type === "error").map((m) => (m.type === "error" ? m.message : ""));
    expect(errors).toEqual([
      expect.stringMatching(/not JSON/),
      expect.stringMatching(/cols/),
      expect.stringMatching(/too long/),
      expect.stringMatching(/already/),
    ]);
    client.control({ type: "ping" });
    await client.waitForMessage("pong");
    client.type("echo alive-$((40+2))\r");
    await client.waitForText("alive-42");
    await client.close();
  });

  it("types tmux syntax into the shell as text, never as tmux commands", async () => {
    const client = await connect("ada");
    await ready(client);
    client.type(`echo '"; kill-server; display "#{pane_id} \\$HOME ~'\r`);
    await client.waitForText(`"; kill-server; display "#{pane_id} \\$HOME ~\r\n`);
    client.type("echo survived-$((2*2))\r");
    await client.waitForText("survived-4");
    await client.close();
  });

  it("when the attachment dies under the shell (sandbox stopped), tells the tab without reconnecting by itself", async () => {
    const client = await connect("stopped");
    await ready(client);
    // What a stopped sandbox looks like from here: the tmux client (podman exec) dies without a word.
    const socket = driver.socketOf("sandbox-of-stopped");
    const pids = execFileSync("pgrep", ["-f", `tmux -S ${socket} .*-CC`]).toString().trim().split("\n").map(Number);
    for (const pid of pids) process.kill(pid, "SIGKILL");
    expect(await client.waitForClose()).toBe(TERMINAL_CLOSE.sandboxStopped);
  });

  it("when the attachment dies under an active learner's shell (killed from outside), tells the tab to reconnect by itself", async () => {
    const client = await connect("killed");
    await ready(client);
    const socket = driver.socketOf("sandbox-of-killed");
    const pids = execFileSync("pgrep", ["-f", `tmux -S ${socket} .*-CC`]).toString().trim().split("\n").map(Number);
    for (const pid of pids) process.kill(pid, "SIGKILL");
    expect(await client.waitForClose()).toBe(TERMINAL_CLOSE.goingAway);
  });

  it("Ctrl-C in a flood drops the output still pending, redraws the screen, and the prompt follows", async () => {
    const client = await connect("interrupt", { ackDelayMs: 200 });
    await ready(client);
    client.type("yes\r");
    await new Promise((r) => setTimeout(r, 1500));
    const before = client.text.length;
    client.type("\x03echo interrupted-$((6*6))\r");
    await client.waitForText("interrupted-36", 20_000);
    expect(client.text.slice(before)).toMatch(/output skipped while this terminal caught up[^]*interrupted-36/);
    await client.close();
  });

  it("Ctrl-C outside a flood is only a keystroke: nothing is skipped or redrawn", async () => {
    const client = await connect("calm");
    await ready(client);
    client.type("sleep 30\r");
    await new Promise((r) => setTimeout(r, 300));
    client.type("\x03echo calm-$((3+3))\r");
    await client.waitForText("calm-6");
    expect(client.text).not.toContain("output skipped");
    await client.close();
  });

  it("when tmux skips output the tab was too far behind on, continues the pane and redraws the screen", async () => {
    const client = await connect("paused");
    await ready(client);
    client.type("clear; echo before-pause-$((6*7)); sleep 1; echo after-pause-$((6*8)); sleep 30\r");
    await client.waitForText("before-pause-42");
    // What tmux does to a client more than pause-after behind, done on demand: pause the pane for the lab.
    const socket = driver.socketOf("sandbox-of-paused");
    const control = execFileSync("tmux", ["-S", socket, "list-clients", "-F", "#{client_control_mode} #{client_name}"]).toString();
    const name = /^1 (\S+)$/m.exec(control)![1];
    execFileSync("tmux", ["-S", socket, "refresh-client", "-t", name, "-A", "%0:pause"]);
    await client.waitForText("output skipped while this terminal caught up");
    // Redrawn from tmux's screen (the line printed while paused included), then live again.
    const redrawnFrom = client.text.lastIndexOf("output skipped");
    await client.waitForText("after-pause-48");
    // Ctrl-C, then the next command once the prompt is back: typed in one go, the terminal's own handling of the
    // interrupt can drop what follows it (as in any terminal), which is not what this test is about.
    const interrupted = client.text.length;
    client.type("\x03");
    await client.waitForText("133;A", 15_000, interrupted);
    client.type("echo live-$((7*7))\r");
    await client.waitForText("live-49");
    expect(client.text.slice(redrawnFrom)).toMatch(/before-pause-42[^]*after-pause-48[^]*live-49/);
    await client.close();
  });

  it("keeps at most 8 tabs per learner, closing the oldest; an instructor's watch neither counts nor is closed", async () => {
    const first = await connect("tabs");
    await ready(first);
    const seen: Buffer[] = [];
    const stop = watchOutput(hub, "tabs", (chunk) => seen.push(Buffer.from(chunk)));
    const tabs = [first];
    for (let i = 0; i < 7; i++) {
      tabs.push(await connect("tabs"));
      await ready(tabs.at(-1)!);
    }
    // A round trip through the newest tab: any close the server sent has arrived by now.
    tabs.at(-1)!.type("echo eight-tabs-$((4*2))\r");
    await tabs.at(-1)!.waitForText("eight-tabs-8");
    expect(tabs.map((t) => t.closeCode)).toEqual(Array(8).fill(null));

    const ninth = await connect("tabs");
    await ready(ninth);
    expect(await first.waitForClose()).toBe(TERMINAL_CLOSE.tooMany);
    ninth.type("echo still-watched-$((5*5))\r");
    await expect.poll(() => Buffer.concat(seen).toString("utf8")).toContain("still-watched-25");
    expect(tabs.slice(1).map((t) => t.closeCode)).toEqual(Array(7).fill(null));
    stop();
    await Promise.all([...tabs, ninth].map((t) => t.close()));
  });

  it("lets an instructor watch read-only: a snapshot, then live output", async () => {
    const client = await connect("ada");
    await ready(client);
    const seen: Buffer[] = [];
    const stop = watchOutput(hub, "ada", (chunk) => seen.push(Buffer.from(chunk)));
    client.type("echo watched-$((3*3))\r");
    await expect.poll(() => Buffer.concat(seen).toString("utf8")).toContain("watched-9");
    stop();
    await client.close();
  });

  describe("an instructor watching through the gateway", () => {
    const learner = "0b6f4a52-8d3e-4c1f-a2b7-5e9d8c7f6a10";
    const watchUrl = (workshop = WORKSHOP) => `${url}/watch?workshop=${workshop}&learner=${learner}`;
    const watch = (extra: Partial<TestClientOptions> = {}) =>
      TerminalTestClient.connect({ url: watchUrl(), origin, cookie: "test_instructor=owner", cols: 40, rows: 10, ...extra });

    it("sees the learner's screen and live output, but keystrokes and sizes from the watcher never reach the shell", async () => {
      const own = await connect(learner);
      await ready(own);
      own.type("echo before-$((2*3))\r");
      await own.waitForText("before-6");
      const watcher = await watch();
      // Drawn at the learner's size, not the watcher's.
      expect((await watcher.waitForMessage("ready")).size).toEqual({ cols: 100, rows: 30 });
      await watcher.waitForText("before-6");

      own.type("echo live-$((4*4))\r");
      await watcher.waitForText("live-16");
      // The learner's tab resizes: the watcher hears of it and redraws at that size.
      own.control({ type: "resize", cols: 90, rows: 28 });
      expect(await watcher.waitForMessage("size")).toEqual({ type: "size", cols: 90, rows: 28 });

      watcher.type("echo hacked-$((6*7))\r");
      expect((await watcher.waitForMessage("error")).message).toMatch(/read-only/);
      watcher.control({ type: "resize", cols: 50, rows: 12 });
      // The learner's next command runs after anything the watcher sent would have: neither arrived.
      own.type("stty size; echo after-$((1+1))\r");
      await own.waitForText("after-2");
      expect(own.text).toContain("28 90");
      expect(own.text).not.toContain("hacked-42");
      await watcher.close();
      await own.close();
    });

    it("waits for the learner's terminal when it is not open, and shows it once it is", async () => {
      const other = "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f";
      const watcher = await TerminalTestClient.connect({ url: `${url}/watch?workshop=${WORKSHOP}&learner=${other}`, origin, cookie: "test_instructor=owner" });
      expect((await watcher.waitForMessage("status")).message).toMatch(/not open/);
      const own = await connect(other);
      await ready(own);
      await watcher.waitForMessage("ready");
      own.type("echo opened-$((5+5))\r");
      await watcher.waitForText("opened-10");
      await watcher.close();
      await own.close();
    });

    it("is refused to anyone but the workshop's owner, for another workshop, or with a malformed query", async () => {
      await expect(watch({ cookie: `test_learner=${learner}` })).rejects.toThrow("HTTP 403");
      await expect(TerminalTestClient.connect({ url: watchUrl("00000000-0000-4000-8000-000000000000"), origin, cookie: "test_instructor=owner" })).rejects.toThrow("HTTP 403");
      await expect(TerminalTestClient.connect({ url: `${url}/watch?workshop=x&learner=y`, origin, cookie: "test_instructor=owner" })).rejects.toThrow("HTTP 403");
      await expect(watch({ origin: "http://evil.example" })).rejects.toThrow("HTTP 403");
    });
  });

  it("tells the tab when the learner's shell exits, and a new connection gets a new shell", async () => {
    const client = await connect("exiter");
    await ready(client);
    client.type("exit\r");
    await client.waitForMessage("exit");
    await client.waitForClose();
    const next = await connect("exiter");
    await ready(next);
    next.type("echo fresh-$((1+1))\r");
    await next.waitForText("fresh-2");
    await next.close();
  });
});
