/**
 * Runs every suite (unit, integration with real sandboxes, e2e in Chromium), streams their output,
 * and ends with one line `N passed, N failed` summed over all of them.
 */
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { createPodmanDriver } from "../server/sandbox/podman-driver";

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

const resultsDir = path.resolve(".data/test-results");
fs.mkdirSync(resultsDir, { recursive: true });

function run(command: string, args: string[], env: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: "inherit", env: { ...process.env, ...env } });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as T;
  } catch {
    return null;
  }
}

async function vitestSuite(project: string): Promise<Counts> {
  const out = path.join(resultsDir, `vitest-${project}.json`);
  fs.rmSync(out, { force: true });
  const code = await run("npx", ["vitest", "run", "--project", project, "--reporter=default", "--reporter=json", `--outputFile.json=${out}`]);
  const report = readJson<{ numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number }>(out);
  // A suite that crashed before reporting counts as one failure, never as silence.
  if (!report) return { passed: 0, failed: 1, skipped: 0 };
  return {
    passed: report.numPassedTests,
    failed: report.numFailedTests + (code !== 0 && report.numFailedTests === 0 ? 1 : 0),
    skipped: report.numPendingTests + report.numTodoTests,
  };
}

/** The e2e server's sandboxes and data exist only for one run: none are left running for the next. */
async function removeE2eLab(): Promise<void> {
  const dataDir = path.resolve(".data/e2e");
  const driver = createPodmanDriver({ image: "", network: "", registry: "", diskDir: path.join(dataDir, "disks"), instance: "e2e" });
  for (const sandbox of await driver.list()) await driver.destroy(sandbox.id).catch((e) => console.error(`removing ${sandbox.id}:`, e));
  const stillMounted = fs.readFileSync("/proc/mounts", "utf8").split("\n").some((line) => line.split(" ")[1]?.startsWith(dataDir + "/"));
  if (stillMounted) console.error(`${dataDir} still has a mounted sandbox disk; left in place.`);
  else fs.rmSync(dataDir, { recursive: true, force: true });
}

async function playwrightSuite(): Promise<Counts> {
  const out = path.join(resultsDir, "playwright.json");
  fs.rmSync(out, { force: true });
  await removeE2eLab();
  const code = await run("npx", ["playwright", "test", "--reporter=list,json"], { PLAYWRIGHT_JSON_OUTPUT_NAME: out });
  await removeE2eLab();
  const report = readJson<{ stats: { expected: number; unexpected: number; flaky: number; skipped: number } }>(out);
  if (!report) return { passed: 0, failed: 1, skipped: 0 };
  return {
    passed: report.stats.expected + report.stats.flaky,
    failed: report.stats.unexpected + (code !== 0 && report.stats.unexpected === 0 ? 1 : 0),
    skipped: report.stats.skipped,
  };
}

/**
 * The data layer's integration tests run against PostgreSQL as well as SQLite: a throwaway cluster from
 * Debian's package (scripts/postgres-for-tests.sh), started for the suite and stopped after it.
 */
async function withTestPostgres(suite: () => Promise<Counts>): Promise<Counts> {
  try {
    process.env.LAYERLAB_TEST_POSTGRES_URL = execFileSync("bash", ["scripts/postgres-for-tests.sh"], { encoding: "utf8" }).trim();
  } catch {
    // The suites that need it fail with the reason; the others still run.
    console.error("could not start the test PostgreSQL cluster (see above)");
  }
  try {
    return await suite();
  } finally {
    execFileSync("bash", ["scripts/postgres-for-tests.sh", "stop"], { stdio: "inherit" });
  }
}

async function main(): Promise<void> {
  const suites: [string, () => Promise<Counts>][] = [
    ["unit", () => vitestSuite("unit")],
    ["integration", () => vitestSuite("integration")],
    ["e2e", playwrightSuite],
  ];
  const only = process.argv.slice(2);
  const total: Counts = { passed: 0, failed: 0, skipped: 0 };
  for (const [name, suite] of suites) {
    if (only.length && !only.includes(name)) continue;
    console.log(`\n=== ${name} tests ===`);
    const counts = name === "integration" ? await withTestPostgres(suite) : await suite();
    console.log(`=== ${name}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped ===`);
    total.passed += counts.passed;
    total.failed += counts.failed;
    total.skipped += counts.skipped;
  }
  console.log(`\n${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
  process.exit(total.failed === 0 ? 0 : 1);
}

void main();
