/**
 * Runs every suite (unit, integration with real sandboxes, e2e in Chromium) and ends with one line
 * `N passed, N failed` summed over all of them. Unit runs first; integration and e2e then run side by side,
 * since each spends most of its time waiting on sandboxes and engines (e2e has a lab server, instance label and
 * data of its own, so neither sees the other's sandboxes). Integration streams its output; e2e's is kept in
 * .data/test-results/e2e.log and printed as one block when it ends, so the two never interleave.
 */
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { createPodmanDriver } from "../server/sandbox/podman-driver";

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
  /** "suite › test: first lines of the error", repeated at the very end so that a log's tail names every failure. */
  failures: string[];
}

/** The start of an error message, on one line, colour codes gone. */
function gist(message: string | undefined): string {
  // eslint-disable-next-line no-control-regex
  return (message ?? "").replace(/\u001b\[[0-9;]*m/g, "").split("\n").filter((l) => l.trim()).slice(0, 3).join(" / ").slice(0, 400);
}

const resultsDir = path.resolve(".data/test-results");
fs.mkdirSync(resultsDir, { recursive: true });

/** Runs COMMAND with its output on ours, or into LOG when given. */
function run(command: string, args: string[], env: Record<string, string> = {}, log?: string): Promise<number> {
  return new Promise((resolve) => {
    const out = log ? fs.openSync(log, "w") : "inherit";
    const child = spawn(command, args, { stdio: ["ignore", out, out], env: { ...process.env, ...env } });
    child.on("exit", (code, signal) => {
      if (typeof out === "number") fs.closeSync(out);
      resolve(code ?? (signal ? 1 : 0));
    });
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
  const report = readJson<{
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
    testResults: { name: string; message?: string; assertionResults: { fullName: string; status: string; failureMessages: string[] }[] }[];
  }>(out);
  // A suite that crashed before reporting counts as one failure, never as silence.
  if (!report) return { passed: 0, failed: 1, skipped: 0, failures: [`${project}: vitest wrote no report (exit code ${code})`] };
  const failures = report.testResults.flatMap((file) => {
    const where = path.relative(process.cwd(), file.name);
    const tests = file.assertionResults.filter((t) => t.status === "failed").map((t) => `${project} ${where} › ${t.fullName}: ${gist(t.failureMessages[0])}`);
    return tests.length || !file.message ? tests : [`${project} ${where}: ${gist(file.message)}`];
  });
  const crashed = code !== 0 && report.numFailedTests === 0;
  return {
    passed: report.numPassedTests,
    failed: report.numFailedTests + (crashed ? 1 : 0),
    skipped: report.numPendingTests + report.numTodoTests,
    failures: crashed && !failures.length ? [`${project}: vitest exited with ${code} though no test failed`] : failures,
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

interface PlaywrightSuite {
  suites?: PlaywrightSuite[];
  specs?: { title: string; file: string; line: number; tests: { status: string; results: { error?: { message?: string } }[] }[] }[];
}

function failedSpecs(suites: PlaywrightSuite[]): string[] {
  return suites.flatMap((suite) => [
    ...(suite.specs ?? []).flatMap((spec) =>
      spec.tests.filter((t) => t.status === "unexpected").map((t) => `e2e ${spec.file}:${spec.line} › ${spec.title}: ${gist(t.results.at(-1)?.error?.message)}`),
    ),
    ...failedSpecs(suite.suites ?? []),
  ]);
}

async function playwrightSuite(): Promise<Counts> {
  const out = path.join(resultsDir, "playwright.json");
  const log = path.join(resultsDir, "e2e.log");
  fs.rmSync(out, { force: true });
  await removeE2eLab();
  const code = await run("npx", ["playwright", "test", "--reporter=list,json"], { PLAYWRIGHT_JSON_OUTPUT_NAME: out }, log);
  await removeE2eLab();
  console.log(`\n=== e2e output (${path.relative(process.cwd(), log)}) ===\n${fs.readFileSync(log, "utf8")}`);
  const report = readJson<{ stats: { expected: number; unexpected: number; flaky: number; skipped: number }; suites: PlaywrightSuite[]; errors?: { message?: string }[] }>(out);
  if (!report) return { passed: 0, failed: 1, skipped: 0, failures: [`e2e: playwright wrote no report (exit code ${code})`] };
  const failures = [...failedSpecs(report.suites), ...(report.errors ?? []).map((e) => `e2e: ${gist(e.message)}`)];
  const crashed = code !== 0 && report.stats.unexpected === 0;
  return {
    passed: report.stats.expected + report.stats.flaky,
    failed: report.stats.unexpected + (crashed ? 1 : 0),
    skipped: report.stats.skipped,
    failures: crashed && !failures.length ? [`e2e: playwright exited with ${code} though no test failed`] : failures,
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
  const only = process.argv.slice(2);
  const wanted = (name: string) => !only.length || only.includes(name);
  const total: Counts = { passed: 0, failed: 0, skipped: 0, failures: [] };
  const report = (name: string, counts: Counts) => {
    console.log(`=== ${name}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped ===`);
    total.passed += counts.passed;
    total.failed += counts.failed;
    total.skipped += counts.skipped;
    total.failures.push(...counts.failures);
  };
  if (wanted("unit")) {
    console.log("\n=== unit tests ===");
    report("unit", await vitestSuite("unit"));
  }
  const side: Promise<void>[] = [];
  if (wanted("e2e")) {
    console.log("\n=== e2e tests (running beside the integration tests; output when they end) ===");
    side.push(playwrightSuite().then((counts) => report("e2e", counts)));
  }
  if (wanted("integration")) {
    console.log("\n=== integration tests ===");
    side.push(withTestPostgres(() => vitestSuite("integration")).then((counts) => report("integration", counts)));
  }
  await Promise.all(side);
  if (total.failures.length) console.log(`\n=== what failed ===\n${total.failures.map((f) => `- ${f}`).join("\n")}`);
  console.log(`\n${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
  process.exit(total.failed === 0 ? 0 : 1);
}

void main();
