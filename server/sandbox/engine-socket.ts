import "server-only";
import { close, fstat, open } from "node:fs";
import http from "node:http";
import net from "node:net";
import { promisify } from "node:util";

/**
 * The sandbox's Docker engine asked from the host, over its unix socket in the learner's ~/.run as the host sees it
 * (the home disk's mount): no process is started, where a `podman exec` costs ~250 ms before its command begins.
 *
 * The learner owns that directory, so nothing in it is trusted as a path: `.run` is opened without following a
 * symlink, the socket is opened as an inode (O_PATH, no symlink) and checked to be a socket, and the connection goes
 * to that inode through /proc/self/fd. A symlink planted as ~/.run or as the socket cannot make the lab connect to a
 * socket of the host. Used by the sandbox watchdog (its ping) and by the checks (read-only engine questions).
 */

// Not in Node's fs.constants: open the path itself (a socket, a directory) without reading it, and without following a symlink.
const O_PATH = 0o10000000;
const O_DIRECTORY = 0o200000;
const O_NOFOLLOW = 0o400000;

const openPath = promisify(open);
const fstatFd = promisify(fstat);

/** Why the engine gave no answer: no socket there (or not one the lab trusts), nobody listening, or no answer in time / too big. */
export class EngineUnavailableError extends Error {
  constructor(
    readonly reason: "missing" | "refused" | "timeout" | "too-large" | "broken",
    detail: string,
  ) {
    super(`the sandbox's Docker engine did not answer (${reason}): ${detail}`);
  }
}

export interface EngineAnswer {
  status: number;
  body: Buffer;
}

/** Opens RUN_DIR/docker.sock safely; the caller connects to the returned /proc/self/fd path and then calls release(). */
async function openSocket(runDir: string): Promise<{ path: string; release(): void }> {
  const fds: number[] = [];
  const release = () => {
    for (const fd of fds.splice(0)) close(fd, () => {});
  };
  try {
    fds.push(await openPath(runDir, O_PATH | O_DIRECTORY | O_NOFOLLOW));
    fds.push(await openPath(`/proc/self/fd/${fds[0]}/docker.sock`, O_PATH | O_NOFOLLOW));
    if (!(await fstatFd(fds[1])).isSocket()) throw new Error("docker.sock is not a socket");
  } catch (error) {
    release();
    throw new EngineUnavailableError("missing", error instanceof Error ? error.message : String(error));
  }
  return { path: `/proc/self/fd/${fds[1]}`, release };
}

/**
 * One request to the engine in RUN_DIR (a read: GET, no body). Answers whatever status the engine gives; throws
 * EngineUnavailableError when there is no answer within `timeoutMs`, or the answer is larger than `maxBytes`.
 */
export async function engineRequest(runDir: string, apiPath: string, opts: { timeoutMs: number; maxBytes?: number; method?: "GET" | "HEAD" }): Promise<EngineAnswer> {
  const socket = await openSocket(runDir);
  const maxBytes = opts.maxBytes ?? 16 * 2 ** 20;
  try {
    return await new Promise<EngineAnswer>((resolve, reject) => {
      let settled = false;
      const finish = (error: EngineUnavailableError | null, answer?: EngineAnswer) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        request.destroy();
        if (error) reject(error);
        else resolve(answer!);
      };
      const request = http.request(
        {
          method: opts.method ?? "GET",
          path: apiPath,
          headers: { Host: "docker" },
          // No agent (and so no pooled connection): the fd behind the path is ours only for this request.
          createConnection: () => net.connect({ path: socket.path }),
        },
        (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size > maxBytes) return finish(new EngineUnavailableError("too-large", `${apiPath} answered more than ${maxBytes} bytes`));
            chunks.push(chunk);
          });
          response.on("end", () => finish(null, { status: response.statusCode ?? 0, body: Buffer.concat(chunks) }));
          response.on("error", (error) => finish(new EngineUnavailableError("broken", error.message)));
        },
      );
      const timer = setTimeout(() => finish(new EngineUnavailableError("timeout", `no answer to ${apiPath} within ${opts.timeoutMs} ms`)), opts.timeoutMs);
      request.on("error", (error: NodeJS.ErrnoException) =>
        finish(new EngineUnavailableError(error.code === "ECONNREFUSED" ? "refused" : error.code === "ENOENT" ? "missing" : "broken", error.message)),
      );
      request.end();
    });
  } finally {
    socket.release();
  }
}

/** `GET /_ping`: ok, or why not. */
export async function pingEngine(runDir: string, timeoutMs: number): Promise<"ok" | "refused" | "missing" | "timeout"> {
  try {
    const answer = await engineRequest(runDir, "/_ping", { timeoutMs, maxBytes: 4096 });
    return answer.status === 200 ? "ok" : "timeout";
  } catch (error) {
    const reason = error instanceof EngineUnavailableError ? error.reason : "timeout";
    return reason === "missing" || reason === "refused" ? reason : "timeout";
  }
}
