import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pingDocker } from "./sandbox-watchdog";

/**
 * The Docker ping as the lab's host process does it, against sockets in a temporary directory that plays a learner's
 * ~/.run. The learner owns that directory, so a symlink planted there must never lead the lab to another socket.
 */
const dir = mkdtempSync(path.join(os.tmpdir(), "layerlab-ping-"));
const servers: net.Server[] = [];
let hits = 0;

function engine(socketPath: string, reply = "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nOK"): Promise<void> {
  const server = net.createServer((socket) => {
    hits++;
    socket.once("data", () => socket.end(reply));
  });
  servers.push(server);
  return new Promise((resolve) => server.listen(socketPath, resolve));
}

beforeAll(async () => {
  for (const name of ["healthy", "planted-dir", "planted-sock", "dead", "silent", "host"]) mkdirSync(path.join(dir, name));
  await engine(path.join(dir, "healthy", "docker.sock"));
  // A socket of "the host" that the learner would like the lab to talk to.
  await engine(path.join(dir, "host", "docker.sock"));
  rmSync(path.join(dir, "planted-dir"), { recursive: true });
  symlinkSync(path.join(dir, "host"), path.join(dir, "planted-dir"));
  symlinkSync(path.join(dir, "host", "docker.sock"), path.join(dir, "planted-sock", "docker.sock"));
  // A socket file nobody listens on any more (dockerd killed): bound by a process that then died (Node's own
  // listeners remove their file on close).
  execFileSync("python3", ["-c", "import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])", path.join(dir, "dead", "docker.sock")]);
  expect(existsSync(path.join(dir, "dead", "docker.sock"))).toBe(true);
  const silent = net.createServer(() => {});
  servers.push(silent);
  await new Promise<void>((resolve) => silent.listen(path.join(dir, "silent", "docker.sock"), resolve));
});

afterAll(async () => {
  for (const server of servers) server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("pingDocker", () => {
  it("gets OK from an engine listening on the socket (positive control)", async () => {
    expect(await pingDocker(path.join(dir, "healthy"), 2000)).toBe("ok");
  });

  it("tells a socket nobody listens on, no socket, and an engine that does not answer apart", async () => {
    expect(await pingDocker(path.join(dir, "dead"), 2000)).toBe("refused");
    expect(await pingDocker(path.join(dir, "nowhere"), 2000)).toBe("missing");
    expect(await pingDocker(path.join(dir, "silent"), 300)).toBe("timeout");
  });

  it("never follows a symlink planted as ~/.run or as the socket to another socket", async () => {
    const before = hits;
    expect(await pingDocker(path.join(dir, "planted-dir"), 2000)).toBe("missing");
    expect(await pingDocker(path.join(dir, "planted-sock"), 2000)).toBe("missing");
    expect(hits).toBe(before);
    // Positive control: the socket behind the symlinks does answer when asked directly.
    expect(await pingDocker(path.join(dir, "host"), 2000)).toBe("ok");
    expect(hits).toBe(before + 1);
  });
});
