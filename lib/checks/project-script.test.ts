import { describe, expect, it } from "vitest";
import { checkSpecSchema } from "./check-spec";
import { judgeProjectScript, type ProjectScriptSpec } from "./project-script";

const spec = (fields: Record<string, unknown> = {}) => checkSpecSchema.parse({ id: "s", title: "t", kind: "script-runs", script: "run.sh", ...fields }) as ProjectScriptSpec;
const output = (stdout: string, stderr = "", exitCode = 0, timedOut = false) => ({ stdout, stderr, exitCode, timedOut });

describe("script-runs", () => {
  it("passes a script that exits 0, quoting its last line", () => {
    expect(judgeProjectScript(spec(), output("46b26cab3b8d\n"))).toEqual({ passed: true, message: "`bash run.sh` ran: `46b26cab3b8d`" });
  });

  it("fails a script that fails, with its most telling line", () => {
    const failed = judgeProjectScript(
      spec(),
      output("", "docker: Error response from daemon: Conflict. The container name \"/web\" is already in use.\nSee 'docker run --help'.\n", 125),
    );
    expect(failed.passed).toBe(false);
    expect(failed.message).toBe('`bash run.sh` failed (exit code 125): `docker: Error response from daemon: Conflict. The container name "/web" is already in use.`');
  });

  it("tells a missing script, a wrong output and a script that hangs apart", () => {
    expect(judgeProjectScript(spec(), output("", "bash: run.sh: No such file or directory\n", 127)).message).toBe("There is no run.sh to run.");
    expect(judgeProjectScript(spec({ output: "^started web$" }), output("started api\n")).message).toBe("`bash run.sh` printed `started api`, which does not match /^started web$/.");
    expect(judgeProjectScript(spec({ timeoutSeconds: 5 }), output("waiting\n", "", 124, true)).message).toBe("`bash run.sh` did not finish within 5 s.");
  });
});
