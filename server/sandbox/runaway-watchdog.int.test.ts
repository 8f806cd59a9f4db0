import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TerminalHub } from "@/server/terminal/terminal-hub";
import type { TerminalSession, TerminalViewer } from "@/server/terminal/terminal-session";
import { cleanUpInOrder, createTestDriver, requireSandboxImage } from "./int-test-kit.test-support";
import { RunawayWatchdog } from "./runaway-watchdog";
import { runHostCommand } from "./host-command";

/**
 * The runaway watchdog on a real sandbox, seen the way the learner sees it: through their terminal (the real hub,
 * tmux in the sandbox), with their typing reported as the lab reports it. The window is 20 s here (5 min in the lab).
 * Nothing is timed: each step polls for its state up to a generous deadline.
 */
const { driver, cleanup } = createTestDriver("runaway");
const LEARNER = "learner-runaway";
const WINDOW_MS = 20_000;
const PIDS = 256;
let sandbox = "";
let cgroupPath = "";
let hub: TerminalHub;
let watchdog: RunawayWatchdog;
let session: TerminalSession;
let screen = "";

const viewer: TerminalViewer = {
  start: (info) => {
    if (info.restore) screen += Buffer.from(info.restore).toString("utf8");
  },
  output: (chunk) => {
    screen += Buffer.from(chunk).toString("utf8");
  },
  end: () => {},
};

/** Keys as the learner's tab sends them: to the shell, and reported as activity. */
function type(text: string): void {
  session.input(Buffer.from(text));
  hub.touch(LEARNER);
}

async function until<T>(what: string, read: () => Promise<T> | T, done: (value: T) => boolean, deadlineMs = 120_000): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

const cgroupFile = (controller: string, file: string) => readFile(`/sys/fs/cgroup/${controller}${cgroupPath}/${file}`, "utf8").then((s) => s.trim());
const quota = async () => Number(await cgroupFile("cpu", "cpu.cfs_quota_us"));

beforeAll(async () => {
  await requireSandboxImage();
  sandbox = (await driver.create({ labels: {}, limits: { memoryMb: 1024, cpus: 1, pids: PIDS, diskMb: 1024 } })).id;
  cgroupPath = (await runHostCommand("podman", ["inspect", "--format", "{{.State.CgroupPath}}", sandbox])).stdout.toString("utf8").trim();
  hub = new TerminalHub(
    { driver, sandboxes: { acquire: async () => ({ id: sandbox }), touch: (learnerId) => watchdog.noteInput(learnerId) } },
    // The lab reports typing every 30 s at most, against a 5 min window; here every 0.5 s against 20 s.
    { touchEveryMs: 500 },
  );
  watchdog = new RunawayWatchdog({
    windowMs: WINDOW_MS,
    sampleEveryMs: 2000,
    assignments: async () => [{ learnerId: LEARNER, sandboxId: sandbox }],
    notify: (learnerId, line) => hub.notice(learnerId, line),
  });
  watchdog.start();
  session = await hub.attach(LEARNER, viewer, { cols: 200, rows: 50 }, () => {});
  await until("the prompt", () => screen, (s) => /\$ /.test(s));
});

afterAll(() =>
  cleanUpInOrder(
    () => watchdog?.stop(),
    () => hub?.closeAll(),
    cleanup,
  ),
);

describe("runaway watchdog on a real sandbox", () => {
  it("leaves a busy sandbox whose learner types, throttles it once they stop, and lifts the throttle when they type", async () => {
    expect(await quota()).toBe(100_000);
    const burn = await driver.exec(sandbox, ["sh", "-c", "nohup timeout 600 sh -c 'while :; do :; done' >/dev/null 2>&1 &"]);
    expect(burn.exitCode).toBe(0);

    // Positive control: typing (Ctrl-U, a harmless key) while the watchdog sees the sandbox burning for longer
    // than the window, plus two samples: it stays at full speed.
    await until(
      "the watchdog to see a burn longer than the window while the learner types",
      () => {
        type("\x15");
        return watchdog.status(sandbox);
      },
      (s) => s?.busySince != null && Date.now() - s.busySince > WINDOW_MS + 4000,
    );
    expect(watchdog.status(sandbox)?.throttled).toBe(false);
    expect(await quota()).toBe(100_000);

    // The learner stops typing: throttled to a tenth of a CPU, and told why and the way out.
    await until("the throttle", quota, (q) => q !== 100_000);
    expect(await quota()).toBe(10_000);
    await until("the notice", () => screen, (s) => s.includes("slowed it down"));
    expect(screen).toMatch(/\[layerlab\].*kept all of its CPU busy for 20 seconds while nobody typed here.*Type anything in this terminal/);

    type("\x15");
    await until("the throttle to lift", quota, (q) => q === 100_000);
    await until("the notice", () => screen, (s) => s.includes("runs at full speed again"));
    await driver.exec(sandbox, ["pkill", "-f", "while :"]);
  });

  it("stops a fork bomb typed in the terminal, says so in plain words, and the terminal answers again", async () => {
    const eventsBefore = await cgroupFile("pids", "pids.events");
    type(":(){ :|:& };:\r");
    await until("the fork-bomb notice", () => screen, (s) => s.includes("hit its process limit"));
    expect(screen).toContain(`Your sandbox hit its process limit (${PIDS}): a program was starting processes without end, like a fork bomb. The lab stopped`);
    // It really was a bomb held by the limit: forks failed at pids.max.
    expect(Number(/^max (\d+)/m.exec(await cgroupFile("pids", "pids.events"))?.[1])).toBeGreaterThan(Number(/^max (\d+)/m.exec(eventsBefore)?.[1]));

    // The bomb is gone (what is left: init, Docker, tmux and the shell), and the sandbox and the terminal answer.
    await until("the bomb to be gone", async () => Number(await cgroupFile("pids", "pids.current")), (n) => n < PIDS / 2);
    expect((await driver.exec(sandbox, ["echo", "alive"], { timeoutMs: 30_000 })).stdout).toBe("alive\n");
    type("echo back-$((40+2))\r");
    await until("the shell's answer", () => screen, (s) => s.includes("back-42"));
  });

  it("lets a restart drop the throttle, as the notice says (the restarted sandbox gets a fresh cgroup)", async () => {
    await driver.exec(sandbox, ["sh", "-c", "nohup timeout 600 sh -c 'while :; do :; done' >/dev/null 2>&1 &"]);
    await until("the throttle", quota, (q) => q === 10_000);
    expect((await runHostCommand("podman", ["restart", "--time", "0", sandbox])).exitCode).toBe(0);
    expect(await quota()).toBe(100_000);
    await until("the watchdog to see the restart", () => watchdog.status(sandbox), (s) => s?.throttled === false);
  });
});
