/**
 * Keystroke echo round trip through the lab's terminal: a WebSocket client sends one key as a binary frame, the
 * gateway passes it to `tmux -CC` in the learner's sandbox (podman exec), bash's readline echoes it, tmux sends
 * it back as %output, and the client times the frame that carries it. Measured with 1 and with 20 learners
 * typing at once, each in their own sandbox (20 real sandboxes, Docker running in each).
 *
 * Runs the real terminal gateway in this process on a loopback port (no Next.js: the pages are not on this
 * path). The session cookie check is replaced by a cookie naming the learner, since authentication happens once
 * per connection, not per key. Writes bench/results/terminal.json.
 *
 *   npx tsx bench/terminal.bench.ts            (LEARNERS=20 KEYS=100 to change the sizes)
 */
import { register } from "node:module";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import { startBenchRun } from "./lib/bench-record";

// Server modules begin with `import "server-only"`, which throws outside Next's server bundles; as in
// server/register.mjs, it resolves to its empty module here. Server modules are imported after this, below.
const emptyModule = new URL("../node_modules/server-only/empty.js", import.meta.url).href;
register(
  "data:text/javascript," +
    encodeURIComponent(
      `export async function resolve(s, c, next) {
        return s === "server-only" ? { url: ${JSON.stringify(emptyModule)}, shortCircuit: true } : next(s, c);
      }`,
    ),
  import.meta.url,
);
const { createTerminalGateway, routeTerminals } = await import("../server/terminal/terminal-gateway");
const { UpgradeRouter } = await import("../server/http/upgrade-router");
const { TerminalHub } = await import("../server/terminal/terminal-hub");
const { TerminalTestClient } = await import("../server/terminal/terminal-client.test-support");
const { podmanSandboxes } = await import("../server/terminal/podman-sandboxes.test-support");
type Client = import("../server/terminal/terminal-client.test-support").TerminalTestClient;

const LEARNERS = Number(process.env.LEARNERS ?? 20);
const KEYS = Number(process.env.KEYS ?? 100);
/** Time between keys per learner: a fast typist (about 30 keys a second across the room is far more). */
const THINK_MS = 40;
const SETTLE_MS = 20_000;
const CREATE_PARALLEL = 4;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Types KEYS letters one at a time, each after the previous one's echo came back; returns the round trips. */
async function typeAndTime(client: Client): Promise<number[]> {
  const times: number[] = [];
  let waiting: { key: string; sentAt: number; done: () => void } | null = null;
  const onMessage = (data: Buffer, isBinary: boolean) => {
    if (!isBinary || !waiting) return;
    if (data.includes(waiting.key)) {
      times.push(performance.now() - waiting.sentAt);
      const done = waiting.done;
      waiting = null;
      done();
    }
  };
  client.ws.on("message", onMessage);
  try {
    for (let i = 0; i < KEYS; i++) {
      if (i > 0 && i % 40 === 0) {
        client.type("\x15"); // Ctrl-U: clear the line before it wraps
        await sleep(THINK_MS);
      }
      const key = String.fromCharCode(97 + (i % 26));
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no echo of "${key}" within 10 s`)), 10_000);
        waiting = { key, sentAt: performance.now(), done: () => (clearTimeout(timer), resolve()) };
        client.type(key);
      });
      await sleep(THINK_MS * (0.5 + Math.random()));
    }
    client.type("\x15");
  } finally {
    client.ws.off("message", onMessage);
  }
  return times;
}

async function main(): Promise<void> {
  const lab = podmanSandboxes("bench-terminal");
  const hub = new TerminalHub({ driver: lab.driver, sandboxes: lab.sandboxes });
  const gateway = createTerminalGateway({
    hub,
    allowedOrigins: [],
    authenticate: async (req) => {
      const learner = /bench_learner=(\w+)/.exec(req.headers.cookie ?? "")?.[1];
      return learner ? { id: learner } : null;
    },
  });
  const server = http.createServer();
  routeTerminals(new UpgradeRouter().attach(server), gateway);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const connect = (learner: string) =>
    TerminalTestClient.connect({ url: `ws://127.0.0.1:${port}/ws/terminal`, origin: `http://127.0.0.1:${port}`, cookie: `bench_learner=${learner}` });

  const clients: Client[] = [];
  try {
    const learners = Array.from({ length: LEARNERS }, (_, i) => `learner${i}`);
    console.log(`creating ${LEARNERS} sandboxes (${CREATE_PARALLEL} at a time)…`);
    const started = Date.now();
    for (let i = 0; i < learners.length; i += CREATE_PARALLEL) {
      await Promise.all(learners.slice(i, i + CREATE_PARALLEL).map((l) => lab.sandboxes.acquire(l)));
    }
    console.log(`  done in ${((Date.now() - started) / 1000).toFixed(1)} s; attaching terminals…`);
    for (const learner of learners) {
      const client = await connect(learner);
      await client.waitForMessage("ready", 120_000);
      await client.waitForText(/\$ /, 30_000);
      clients.push(client);
    }
    console.log(`  waiting ${SETTLE_MS / 1000} s for Docker in the sandboxes to settle…`);
    await sleep(SETTLE_MS);

    const bench = startBenchRun("terminal");
    // Warm-up, not counted.
    await typeAndTime(clients[0]);

    const one = (await typeAndTime(clients[0])).sort((a, b) => a - b);
    console.log(`1 terminal:   p50 ${percentile(one, 50).toFixed(2)} ms, p99 ${percentile(one, 99).toFixed(2)} ms (${one.length} keys)`);
    const all = (await Promise.all(clients.map((c) => typeAndTime(c)))).flat().sort((a, b) => a - b);
    console.log(`${LEARNERS} terminals: p50 ${percentile(all, 50).toFixed(2)} ms, p99 ${percentile(all, 99).toFixed(2)} ms (${all.length} keys)`);

    const result = {
      p50_ms_1: Number(percentile(one, 50).toFixed(2)),
      p99_ms_1: Number(percentile(one, 99).toFixed(2)),
      [`p50_ms_${LEARNERS}`]: Number(percentile(all, 50).toFixed(2)),
      [`p99_ms_${LEARNERS}`]: Number(percentile(all, 99).toFixed(2)),
      samples_1: one.length,
      [`samples_${LEARNERS}`]: all.length,
      method:
        `WebSocket client -> in-process terminal gateway (loopback) -> podman exec tmux -CC -> bash readline echo -> back; ` +
        `one key at a time per learner, next key ${THINK_MS / 2}-${(THINK_MS * 3) / 2} ms after the echo; ` +
        `${LEARNERS} learners each in their own sandbox (rootless Docker running in each), all typing at once for the ${LEARNERS}-terminal figures`,
      machine: `${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`,
    };
    const { method, ...figures } = result;
    bench.finish(figures, method);
  } finally {
    await Promise.all(clients.map((c) => c.close().catch(() => {})));
    gateway.close();
    await hub.closeAll();
    server.close();
    console.log("removing the sandboxes…");
    await lab.destroyAll();
  }
}

await main();
