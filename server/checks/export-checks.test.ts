import { describe, expect, it } from "vitest";
import type { CommandOutput } from "@/lib/checks/check-result";
import { checkSpecSchema } from "@/lib/checks/check-spec";
import { recorded } from "@/lib/checks/fixtures/recorded";
import type { CheckSandbox, SpecOf } from "./check";
import { exportChecks } from "./export-checks";

// The memo's rule only: which commands the check sends for a given fingerprint. The builds are real recordings.
const spec = checkSpecSchema.parse({
  id: "imported",
  title: "t",
  kind: "cache-import",
  from: "type=registry,ref=localhost:5000/fixture:max",
  change: { file: "hello.sh", append: "# {nonce}" },
  cached: "^RUN cp deps\\.txt",
}) as SpecOf<"cache-import">;

function scripted(fingerprint: () => CommandOutput) {
  const sent: string[] = [];
  const ok = { stdout: "", stderr: "", exitCode: 0, timedOut: false };
  const sandbox: CheckSandbox = {
    docker: async (args) => {
      sent.push(args.slice(0, 2).join(" "));
      return args[1] === "build" ? recorded("cache-import-max") : ok;
    },
    bash: async (script) => {
      if (script.includes("imagetools inspect --raw")) return fingerprint();
      return ok;
    },
    path: (p) => `/home/learner/w/${p}`,
    scratchName: () => "scratch",
    unlessPassed: (_key, run) => run(),
  };
  return { sandbox, sent };
}

describe("cache-import runs its prune and build once per state", () => {
  it("answers a second time from the first run while the cache and the files are the same", async () => {
    let print = "a".repeat(64);
    const { sandbox, sent } = scripted(() => ({ stdout: `${print}\n`, stderr: "", exitCode: 0, timedOut: false }));
    const first = await exportChecks["cache-import"].run(spec, sandbox);
    expect(first.passed, first.message).toBe(true);
    expect(sent).toEqual(["buildx prune", "buildx build"]);
    expect(await exportChecks["cache-import"].run(spec, sandbox)).toEqual(first);
    expect(sent).toEqual(["buildx prune", "buildx build"]);
    // A new cache or an edited file is a new state: pruned and built again.
    print = "b".repeat(64);
    await exportChecks["cache-import"].run(spec, sandbox);
    expect(sent).toEqual(["buildx prune", "buildx build", "buildx prune", "buildx build"]);
  });

  it("keeps nothing when the cache could not be fingerprinted", async () => {
    const { sandbox, sent } = scripted(() => ({ stdout: "", stderr: "not found", exitCode: 1, timedOut: false }));
    await exportChecks["cache-import"].run(spec, sandbox);
    await exportChecks["cache-import"].run(spec, sandbox);
    expect(sent).toEqual(["buildx prune", "buildx build", "buildx prune", "buildx build"]);
  });
});
