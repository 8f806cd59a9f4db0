import { z } from "zod";
import { tellingLine } from "./build";
import { fail, pass, quote, tail, type CheckResult, type CommandOutput } from "./check-result";
import { checkBase, pattern, sandboxPath } from "./spec-fields";

/**
 * A script of the learner's project, run by the check as the learner would (`bash run.sh` in the
 * workdir): a project whose containers are started by a script is judged by what its own script starts,
 * so the checks after this one probe the containers the learner's current script makes.
 */
export const projectScriptSpecs = [
  z
    .object({
      ...checkBase,
      kind: z.literal("script-runs"),
      /** Relative to the workdir; run with bash. */
      script: sandboxPath,
      args: z.array(z.string()).default([]),
      /** Pattern its output (stdout and stderr together) must match. */
      output: pattern.optional(),
      timeoutSeconds: z.number().int().min(1).max(300).default(60),
    })
    .strict(),
] as const;

export type ProjectScriptSpec = z.infer<(typeof projectScriptSpecs)[number]>;

export function judgeProjectScript(spec: ProjectScriptSpec, run: CommandOutput): CheckResult {
  const command = ["bash", spec.script, ...spec.args].join(" ");
  const output = (run.stdout + run.stderr).trim();
  if (run.timedOut) return fail(`\`${command}\` did not finish within ${spec.timeoutSeconds} s.`, tail(output));
  if (run.exitCode === 127 && /No such file or directory/.test(run.stderr) && run.stderr.includes(spec.script)) return fail(`There is no ${spec.script} to run.`);
  if (run.exitCode !== 0) {
    const said = tellingLine(output.split("\n"));
    return fail(`\`${command}\` failed (exit code ${run.exitCode})${said ? `: ${quote(said, 120)}` : "."}`, tail(output));
  }
  if (spec.output && !new RegExp(spec.output, "m").test(output)) {
    return fail(`\`${command}\` printed ${output ? quote(output, 80) : "nothing"}, which does not match /${spec.output}/.`, tail(output));
  }
  return pass(`\`${command}\` ran${output ? `: ${quote(output.split("\n").at(-1)!, 80)}` : "."}`);
}
