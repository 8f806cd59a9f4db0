import { z } from "zod";
import { fail, pass, quote, type CheckResult, type CommandOutput } from "./check-result";
import { checkBase, pattern, sandboxPath } from "./spec-fields";

/** A file in the learner's sandbox: there or not, and what it says. */

export const fileSpecs = [
  z
    .object({
      ...checkBase,
      kind: z.literal("file"),
      path: sandboxPath,
      /** Pattern the file's text must match; without it the file only has to exist. */
      contains: pattern.optional(),
      lacks: pattern.optional(),
    })
    .strict(),
] as const;

export type FileSpec = z.infer<(typeof fileSpecs)[number]>;

/** Exit codes of the read command the runner uses (see server/checks/file-checks.ts). */
export const FILE_MISSING = 3;
export const FILE_IS_DIRECTORY = 4;

export function judgeFile(spec: FileSpec, read: CommandOutput): CheckResult {
  if (read.exitCode === FILE_MISSING) return fail(`There is no ${spec.path} yet.`);
  if (read.exitCode === FILE_IS_DIRECTORY) {
    return spec.contains || spec.lacks ? fail(`${spec.path} is a folder, not a file.`) : pass(`${spec.path} exists.`);
  }
  if (read.exitCode !== 0) return fail(`The lab could not read ${spec.path}: ${read.stderr.trim() || `exit code ${read.exitCode}`}`);
  const found = spec.contains ? new RegExp(spec.contains, "m").exec(read.stdout) : null;
  if (spec.contains && !found) return fail(`${spec.path} does not contain /${spec.contains}/ yet.`);
  if (spec.lacks) {
    const unwanted = new RegExp(spec.lacks, "m").exec(read.stdout);
    if (unwanted) return fail(`${spec.path} still contains ${quote(unwanted[0])}.`);
  }
  return pass(found ? `${spec.path} contains ${quote(found[0])}.` : `${spec.path} exists.`);
}
