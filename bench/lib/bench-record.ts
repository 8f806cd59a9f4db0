import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * How every benchmark records a run: what it measured (`figures`), how (`method`), on which commit, and how busy
 * the machine was before and after (these machines are shared: a figure taken at load 30 is not one taken at 0.5).
 * The file keeps every earlier run under `runs` (newest last) and the newest run's fields at the top, so the
 * README can quote the top and a reader can see how the figure moved.
 */
export interface BenchRun {
  figures: Record<string, unknown>;
  method: string | Record<string, string>;
  commit: string;
  /** 1, 5 and 15 minute load averages. */
  load_before: number[];
  load_after: number[];
  cores: number;
  /** Set when the 1-minute load before the run exceeded the cores: the figures are likely inflated. */
  flagged_busy: boolean;
  started_at: string;
  finished_at: string;
}

export interface BenchClock {
  /** Ends the run and writes it beside the earlier ones in bench/results/<name>.json; returns what was written. */
  finish(figures: Record<string, unknown>, method: BenchRun["method"]): BenchRun;
}

function currentCommit(): string {
  try {
    const commit = execFileSync("git", ["rev-parse", "--short=12", "HEAD"], { encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { encoding: "utf8" }).trim() !== "";
    return dirty ? `${commit}+changes` : commit;
  } catch {
    return "unknown";
  }
}

const round = (loads: number[]) => loads.map((l) => Math.round(l * 100) / 100);

/** Starts a run: call it before the first measurement, so the load before is the machine's, not the bench's. */
export function startBenchRun(name: string, resultsDir = path.resolve(import.meta.dirname, "../results")): BenchClock {
  const loadBefore = round(os.loadavg());
  const startedAt = new Date().toISOString();
  const commit = currentCommit();
  return {
    finish(figures, method) {
      const run: BenchRun = {
        figures,
        method,
        commit,
        load_before: loadBefore,
        load_after: round(os.loadavg()),
        cores: os.cpus().length,
        flagged_busy: loadBefore[0] > os.cpus().length,
        started_at: startedAt,
        finished_at: new Date().toISOString(),
      };
      const file = path.join(resultsDir, `${name}.json`);
      let earlier: BenchRun[] = [];
      try {
        const previous = JSON.parse(fs.readFileSync(file, "utf8")) as { runs?: BenchRun[] } & Record<string, unknown>;
        // A file from before this format holds one run's figures at the top: keep it as the first run.
        earlier = previous.runs ?? [{ figures: previous, method: "(recorded before runs were kept)" } as unknown as BenchRun];
      } catch {
        // No earlier runs.
      }
      fs.mkdirSync(resultsDir, { recursive: true });
      fs.writeFileSync(file, JSON.stringify({ ...figures, commit, flagged_busy: run.flagged_busy, runs: [...earlier, run] }, null, 2) + "\n");
      console.log(`${name}: written to ${path.relative(process.cwd(), file)}${run.flagged_busy ? ` (flagged: load ${loadBefore[0]} on ${run.cores} cores before the run)` : ""}`);
      return run;
    },
  };
}
