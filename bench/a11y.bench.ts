/**
 * Accessibility of every page: a real lab server (server/index.ts on a free port, its own instance label and a
 * fresh data directory, so the first-run page is there; needs a current `npx next build`) is toured in Chromium as
 * its users would (e2e/a11y-pages.test-support.ts: a new visitor, the instructor from first run to a running room,
 * a learner in that room in a chapter and a drill with a real sandbox), and each page is scanned by axe-core
 * against WCAG 2.2 AA once it shows what a user sees.
 *
 * Writes bench/results/a11y.json: `pages` (per page: violations by impact, the serious and critical ones named),
 * `serious_or_critical` (over all pages; must be 0), recorded with bench/lib/bench-record.ts (commit, load before and
 * after, method, earlier runs kept under `runs`). Exits non-zero when a page has a serious or critical one.
 *
 *   npm run bench:a11y
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "@playwright/test";
import { scanPage, seriousOrCritical, tourEveryPage, WCAG_22_AA, type PageScan } from "../e2e/a11y-pages.test-support";
import { freePort } from "../server/http/lab-server.test-support";
import { createPodmanDriver } from "../server/sandbox/podman-driver";
import { startBenchRun } from "./lib/bench-record";

const INSTANCE = "bench-a11y";
const DATA_DIR = path.resolve(".data", INSTANCE);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function startServer(port: number): Promise<ChildProcess> {
  fs.mkdirSync(DATA_DIR, { recursive: true });
  const log = fs.openSync(path.join(DATA_DIR, "server.log"), "a");
  const server = spawn(process.execPath, ["--import", "./server/register.mjs", "server/index.ts"], {
    env: {
      ...process.env,
      PORT: String(port),
      LAYERLAB_INSTANCE: INSTANCE,
      LAYERLAB_DATA_DIR: DATA_DIR,
      DATABASE_URL: `file:${path.join(DATA_DIR, "layerlab.db")}`,
      // One sandbox at most: the workshop member's; a visitor after them is shown the lab full.
      LAYERLAB_MAX_SANDBOXES: "1",
      LAYERLAB_POOL_SIZE: "0",
    },
    stdio: ["ignore", log, log],
  });
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the lab server exited (${server.exitCode}); see ${DATA_DIR}/server.log`);
    if (await fetch(`http://localhost:${port}/api/health`).then((r) => r.ok, () => false)) return server;
    await sleep(500);
  }
  throw new Error("the lab server did not answer within 3 minutes");
}

/** This bench's sandboxes and data are its own: nothing is left running, and the next run starts fresh. */
async function removeLab(keepData = false): Promise<void> {
  const driver = createPodmanDriver({ image: "", network: "", registry: "", diskDir: path.join(DATA_DIR, "disks"), instance: INSTANCE });
  for (const sandbox of await driver.list()) await driver.destroy(sandbox.id).catch((e) => console.error(`removing ${sandbox.id}:`, e));
  const mounted = fs.readFileSync("/proc/mounts", "utf8").split("\n").some((line) => line.split(" ")[1]?.startsWith(DATA_DIR + "/"));
  if (mounted) throw new Error(`${DATA_DIR} still has a mounted sandbox disk; remove it by hand`);
  if (keepData) return console.error(`the lab's log and data are kept in ${DATA_DIR}`);
  fs.rmSync(DATA_DIR, { recursive: true, force: true });
}

async function main(): Promise<void> {
  await removeLab();
  const clock = startBenchRun("a11y");
  const started = Date.now();
  const port = await freePort();
  const server = await startServer(port);
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
  });
  const scans: PageScan[] = [];
  let toured = false;
  try {
    await tourEveryPage(browser, `http://localhost:${port}`, async (name, page) => {
      const scan = await scanPage(page, name);
      scans.push(scan);
      console.log(`${name} (${scan.path}): ${scan.serious_or_critical} serious or critical; ${JSON.stringify(scan.counts)}`);
    }, { labFull: true });
    toured = true;
  } finally {
    await browser.close();
    server.kill("SIGTERM");
    await new Promise((r) => server.once("exit", r));
    await removeLab(!toured);
  }

  const pages = scans.map((scan) => ({
    name: scan.name,
    path: scan.path.replace(/\/(workshops|join)\/[^/]+/, "/$1/…"),
    serious_or_critical: scan.serious_or_critical,
    by_impact: scan.counts,
    violations: seriousOrCritical(scan).map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes, targets: v.targets })),
    // Moderate and minor findings, named so they can be looked at; they do not fail the bar.
    other_rules: scan.violations.filter((v) => !seriousOrCritical(scan).includes(v)).map((v) => `${v.id} (${v.impact}, ${v.nodes})`),
  }));
  const figures = {
    pages,
    serious_or_critical: scans.reduce((sum, scan) => sum + scan.serious_or_critical, 0),
    pages_scanned: scans.length,
    seconds: Math.round((Date.now() - started) / 1000),
    machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version} (other engineers' work shares this machine)`,
  };
  clock.finish(
    figures,
      `axe-core (${scans[0]?.engine}) through @axe-core/playwright, rules tagged ${WCAG_22_AA.join(", ")} (WCAG 2.0, 2.1 and 2.2, A and AA), ` +
      "in Debian's Chromium at 1366x768, against a real lab server (own instance label, fresh data directory, built app) on this machine. " +
      "Each page is scanned once it shows what its user sees: a new visitor's home, join and a missing page; the instructor's first-run, sign-in " +
      "and workshop list; a learner who joined by the link: the join page with the code, both catalogs, chapter 04 with its sandbox up (terminal " +
      "connected, editor open, a failed check and a hint shown), the same chapter for a visitor outside the workshop while the lab is full " +
      "(LAYERLAB_MAX_SANDBOXES=1), a drill before and after its start; the instructor's workshop page with that learner in the room and with " +
      "their terminal watched, the projector view, the page of a chapter the instructor locked and the catalog showing it locked. " +
      "serious_or_critical counts offending elements (axe nodes) of serious or critical rules over all pages.",
  );
  console.log(`${scans.length} pages, ${figures.serious_or_critical} serious or critical`);
  if (figures.serious_or_critical > 0) process.exitCode = 1;
}

await main();
