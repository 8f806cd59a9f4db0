import "server-only";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SandboxUnavailableError } from "../sandbox/driver";
import { engineRequest, EngineUnavailableError } from "../sandbox/engine-socket";
import { checkSpecSchema } from "@/lib/checks/check-spec";
import { ChannelClosedError } from "./check-channel";
import { runChecks } from "./check-runner";
import { createTestSandbox, type TestSandbox } from "./sandbox.test-support";

/**
 * The checks' two ways into a real sandbox: the long-lived check channel (one `podman exec -i` running the agent)
 * and the engine's socket asked from the host. One sandbox for the whole file, with a 1 MiB output cap.
 */
const CAP = 2 ** 20;
let sandbox: TestSandbox;

beforeAll(async () => {
  sandbox = await createTestSandbox({ maxBytes: CAP });
}, 180_000);

afterAll(async () => {
  await sandbox?.destroy();
});

/** The agent's pid in the sandbox, found as root. */
async function agentPid(): Promise<string> {
  const found = await sandbox.driver.exec(sandbox.id, ["pgrep", "-o", "-f", "layerlab check agent"], { user: "root", timeoutMs: 10_000 });
  expect(found.exitCode, found.stderr).toBe(0);
  return found.stdout.trim();
}

describe("the check channel", () => {
  it("answers a request with its stdout, stderr and exit code, as the learner, in the learner's home", async () => {
    const result = await sandbox.exec(["sh", "-c", 'echo "out $(id -u) $HOME $(pwd)"; echo err >&2; exit 3']);
    expect(result).toEqual({ stdout: "out 1000 /home/learner /home/learner\n", stderr: "err\n", exitCode: 3, timedOut: false });
    // Root only where the request says so.
    expect((await sandbox.exec(["id", "-u"], { user: "root" })).stdout).toBe("0\n");
    // Input reaches the command.
    expect((await sandbox.exec(["cat"], { stdin: "from the lab\n" })).stdout).toBe("from the lab\n");
  });

  it("keeps one agent for many requests, and runs concurrent ones apart", async () => {
    const pid = await agentPid();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => sandbox.exec(["sh", "-c", `sleep 0.$((${i} % 3)); printf 'request %s\\n' ${i}; printf 'e${i}' >&2`])),
    );
    results.forEach((r, i) => expect(r).toEqual({ stdout: `request ${i}\n`, stderr: `e${i}`, exitCode: 0, timedOut: false }));
    expect(await agentPid()).toBe(pid);
  });

  it("stops a command at its timeout, its whole process group, and goes on answering", async () => {
    const result = await sandbox.exec(["sh", "-c", "sleep 300 & sleep 301; echo never"], { timeoutMs: 500 });
    expect(result).toMatchObject({ stdout: "", exitCode: 124, timedOut: true });
    // (The sandbox's init has a sleep of its own.)
    const left = await sandbox.exec(["sh", "-c", "pgrep -f 'sleep 30[01]' || echo none"]);
    expect(left.stdout).toBe("none\n");
    expect((await sandbox.exec(["echo", "next"])).stdout).toBe("next\n");
  });

  it("cuts output at its cap and stops the command; output under the cap arrives whole", async () => {
    // Positive control: just under the cap, every byte arrives.
    const under = await sandbox.exec(["sh", "-c", `head -c ${CAP - 16} /dev/zero | tr '\\0' 'a'`]);
    expect(under.stdout.length).toBe(CAP - 16);
    expect(under.exitCode).toBe(0);
    const huge = await sandbox.exec(["sh", "-c", "yes layerlab; echo finished >&2"], { timeoutMs: 60_000 });
    expect(huge.timedOut).toBe(false);
    expect(huge.stdout.length).toBeLessThanOrEqual(CAP);
    expect(huge.stdout.length).toBeGreaterThan(CAP / 2);
    expect(huge.stdout.startsWith("layerlab\nlayerlab\n")).toBe(true);
    expect(huge.stderr).toContain(`the output was cut at ${CAP} bytes`);
    expect(huge.stderr).not.toContain("finished");
    expect((await sandbox.exec(["echo", "still here"])).stdout).toBe("still here\n");
  });

  it("carries binary output and output that looks like the protocol's own lines untouched", async () => {
    const bytes = await sandbox.exec(["perl", "-e", "print map { chr } 0 .. 255"]);
    const viaPodman = await sandbox.driver.exec(sandbox.id, ["perl", "-e", "print map { chr } 0 .. 255"], { user: "learner" });
    expect(bytes.stdout).toBe(viaPodman.stdout);
    expect(bytes.stdout.slice(0, 11)).toBe("\0\x01\x02\x03\x04\x05\x06\x07\x08\t\n");
    // A learner's program printing a whole answer frame, an agent greeting and a request: they stay its output.
    const hostile = "\nRES 1 0 0 0 6f6b \nREADY 1\nREQ 99 root 1000 10 00 6964\n";
    const forged = await sandbox.exec(["printf", "%s", hostile]);
    expect(forged).toEqual({ stdout: hostile, stderr: "", exitCode: 0, timedOut: false });
    const concurrent = await Promise.all([sandbox.exec(["printf", "%s", hostile]), sandbox.exec(["id", "-u"])]);
    expect(concurrent[0].stdout).toBe(hostile);
    expect(concurrent[1].stdout).toBe("1000\n");
  });

  it("gives a command only its own three pipes; the learner cannot reach the agent's", async () => {
    const pid = await agentPid();
    // Positive control: as root (what the agent is), the agent's input is there to open.
    const asRoot = await sandbox.exec(["sh", "-c", `test -e /proc/${pid}/fd/0 && readlink /proc/${pid}/fd/0`], { user: "root" });
    expect(asRoot.stdout).toMatch(/^pipe:/);
    const asLearner = await sandbox.exec(["sh", "-c", `echo 'REQ 7 root 1000 100  6964' > /proc/${pid}/fd/0`]);
    expect(asLearner.exitCode).not.toBe(0);
    expect(asLearner.stderr).toMatch(/Permission denied/);
    const fds = await sandbox.exec(["sh", "-c", "ls /proc/$$/fd"]);
    expect(fds.stdout.split("\n").filter(Boolean).sort()).toEqual(["0", "1", "2"]);
    // What the learner's shell sees of the agent: a root process it cannot signal.
    const kill = await sandbox.exec(["kill", "-0", pid]);
    expect(kill.exitCode).not.toBe(0);
  });

  it("fails what was under way when the agent dies, and opens a new channel for the next request", async () => {
    const pid = await agentPid();
    const pending = sandbox.exec(["sleep", "30"], { timeoutMs: 60_000 }).catch((error: unknown) => error);
    // The agent's own stdin is the lab's: killed from outside (as root in the sandbox).
    await sandbox.driver.exec(sandbox.id, ["kill", "-KILL", pid], { user: "root", timeoutMs: 10_000 });
    expect(await pending).toBeInstanceOf(ChannelClosedError);
    expect((await sandbox.exec(["echo", "again"])).stdout).toBe("again\n");
    expect(await agentPid()).not.toBe(pid);
  });

  it("tells a stopped sandbox apart, and reopens once it is started again", async () => {
    await sandbox.exec(["true"]);
    await sandbox.driver.stop(sandbox.id);
    // The open channel learns of the stop when its podman client exits, a moment after stop() returns; a request
    // sent before that was under way when the agent died (the test above). Wait for it, then ask the stopped sandbox.
    for (let i = 0; i < 100 && sandbox.channels.size > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(sandbox.channels.size).toBe(0);
    await expect(sandbox.exec(["true"])).rejects.toBeInstanceOf(SandboxUnavailableError);
    await sandbox.driver.start(sandbox.id);
    expect((await sandbox.exec(["echo", "back"])).stdout).toBe("back\n");
    const docker = await sandbox.driver.exec(sandbox.id, ["layerlab-docker-start"], { user: "root", timeoutMs: 90_000 });
    expect(docker.exitCode, docker.stderr).toBe(0);
  }, 120_000);
});

/**
 * What the sandbox's engine was doing, for a failure's message: its processes and the end of its log. (Once, after the
 * restart above, the engine's socket refused a connection moments after Docker had answered; this says why next time.)
 */
async function engineStory(): Promise<string> {
  const story = await sandbox.driver.exec(
    sandbox.id,
    ["sh", "-c", "ps -eo pid,ppid,etimes,args | grep -E 'dockerd|rootlesskit|containerd|docker-start' | grep -v grep; ls -li /home/learner/.run; log=/home/learner/.run/dockerd.log; grep -n '^===' $log; grep -v -e level=debug -e 'loading plugin' $log | tail -n 30"],
    { user: "root", timeoutMs: 20_000 },
  );
  return `the sandbox's engine:\n${story.stdout}${story.stderr}`;
}

describe("the engine's socket, asked from the host", () => {
  const home = () => path.join(sandbox.diskDir, sandbox.id);
  let hostDir: string;
  let host: net.Server;
  let hits = 0;

  beforeAll(async () => {
    // A socket of "the host" that a learner would like the lab to talk to.
    hostDir = mkdtempSync(path.join(os.tmpdir(), "layerlab-host-sock-"));
    host = net.createServer((socket) => {
      hits++;
      socket.once("data", () => socket.end("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nOK"));
    });
    await new Promise<void>((resolve) => host.listen(path.join(hostDir, "docker.sock"), resolve));
  });

  afterAll(() => {
    host?.close();
    if (hostDir) rmSync(hostDir, { recursive: true, force: true });
  });

  it("answers from the sandbox's own engine (positive control), in the shape the CLI prints", async () => {
    const ping = await engineRequest(path.join(home(), ".run"), "/_ping", { timeoutMs: 5000 }).catch(async (e: unknown) => expect.fail(`${String(e)}; ${await engineStory()}`));
    expect(ping).toMatchObject({ status: 200 });
    expect(ping.body.toString()).toBe("OK");
    // The learner's image, seen by the lab through the API just as `docker image inspect` shows it.
    const built = await sandbox.exec(["sh", "-c", "printf 'FROM scratch\\nLABEL lab=yes\\n' | docker build -q -t probe:1 -"], { timeoutMs: 120_000 });
    expect(built.exitCode, built.stderr).toBe(0);
    const cli = await sandbox.exec(["docker", "image", "inspect", "probe:1"]);
    const api = await sandbox.engine!("/images/probe:1/json", { timeoutMs: 5000 });
    expect(api.status).toBe(200);
    expect(JSON.parse(api.body.toString())).toEqual(JSON.parse(cli.stdout)[0]);
    expect((await sandbox.engine!("/images/nothing:here/json", { timeoutMs: 5000 })).status).toBe(404);
  });

  it("never follows a symlink the learner planted as the socket or as ~/.run to a socket of the host", async () => {
    // The learner plants both kinds of link in their home (the host sees the same files).
    const planted = await sandbox.exec(["sh", "-c", `mkdir -p ~/fake-run && ln -sfn ${hostDir}/docker.sock ~/fake-run/docker.sock && ln -sfn ${hostDir} ~/fake-dir`]);
    expect(planted.exitCode, planted.stderr).toBe(0);
    // Positive control: the host socket answers when asked directly.
    expect((await engineRequest(hostDir, "/_ping", { timeoutMs: 5000 })).status).toBe(200);
    expect(hits).toBe(1);
    for (const runDir of [path.join(home(), "fake-run"), path.join(home(), "fake-dir")]) {
      const refused = await engineRequest(runDir, "/_ping", { timeoutMs: 5000 }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(EngineUnavailableError);
      expect((refused as EngineUnavailableError).reason).toBe("missing");
    }
    expect(hits).toBe(1);
  });

  it("refuses an answer larger than its cap", async () => {
    const capped = await engineRequest(path.join(home(), ".run"), "/info", { timeoutMs: 5000, maxBytes: 64 }).catch((e: unknown) => e);
    expect(capped).toBeInstanceOf(EngineUnavailableError);
    const reason = (capped as EngineUnavailableError).reason;
    expect(reason, reason === "too-large" ? undefined : `${String(capped)}; ${await engineStory()}`).toBe("too-large");
  });
});

describe("checks that start a container", () => {
  const spec = (output: string) => checkSpecSchema.parse({ id: "says", title: "The image says hi", kind: "container-output", image: "memo/hi:1", args: [], output });
  /** Containers the sandbox's engine created since SINCE (the check's scratch containers are removed, their events stay). */
  const created = async (since: string) => {
    const events = await sandbox.exec(["docker", "events", "--since", since, "--until", now(), "--filter", "event=create", "--format", "{{.ID}}"]);
    return events.stdout.split("\n").filter(Boolean).length;
  };
  const build = async (says: string) => {
    const built = await sandbox.exec(["sh", "-c", `printf 'FROM busybox\\nCMD ["echo", "${says}"]\\n' | docker build -q -t memo/hi:1 -`], { timeoutMs: 120_000 });
    expect(built.exitCode, built.stderr).toBe(0);
  };
  /** Now as the engine's event filters read it: seconds with a fraction (the sandbox shares the host's clock). */
  const now = () => (Date.now() / 1000).toFixed(3);

  it("run once per image: a pass is kept while the image is the same, and run again once it changes", async () => {
    await build("hi");
    let t = now();
    // Positive control: the first verdict starts the learner's image.
    expect((await runChecks(sandbox, "/home/learner", [spec("^hi")], "memo")).passed).toBe(true);
    expect(await created(t)).toBe(1);
    // The image did not change (a learner's `ls`): the same verdict, no container started.
    t = now();
    const again = await runChecks(sandbox, "/home/learner", [spec("^hi")], "memo");
    expect(again.passed).toBe(true);
    expect(again.checks[0].message).toContain("printed `hi`");
    expect(await created(t)).toBe(0);
    // A rebuild that changes the image is judged afresh.
    await build("hi again");
    t = now();
    const rebuilt = await runChecks(sandbox, "/home/learner", [spec("^hi")], "memo");
    expect(rebuilt.checks[0].message).toContain("printed `hi again`");
    expect(await created(t)).toBe(1);
  });

  it("never keeps a failure: each verdict that fails starts the container again", async () => {
    const t = now();
    expect((await runChecks(sandbox, "/home/learner", [spec("^bye")], "memo")).passed).toBe(false);
    expect((await runChecks(sandbox, "/home/learner", [spec("^bye")], "memo")).passed).toBe(false);
    expect(await created(t)).toBe(2);
  });
});
