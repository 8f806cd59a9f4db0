import { z } from "zod";
import { finalStage, isRootUser, parseDockerfile, stageUser, type DockerfileInstruction, type ParsedDockerfile } from "@/lib/dockerfile/dockerfile";
import { fail, pass, quote, type CheckResult, type CommandOutput } from "./check-result";
import { FILE_MISSING } from "./sandbox-file";
import { checkBase, pattern, sandboxPath } from "./spec-fields";

/**
 * Questions about a Dockerfile's structure, answered from its text. Patterns match an instruction
 * as one line, `KEYWORD --flag=value args` (continuations joined, keyword upper-case), so
 * `^RUN --mount=type=cache` reads like the Dockerfile.
 */

const ruleSchema = z.discriminatedUnion("rule", [
  /** The final stage sets USER, and not to root. */
  z.object({ rule: z.literal("user-not-root") }).strict(),
  /** The first instruction matching `first` comes before the first matching `then`. */
  z.object({ rule: z.literal("order"), first: pattern, then: pattern }).strict(),
  /** Some instruction matches; `what` names it in messages ("a RUN with a cache mount"). */
  z.object({ rule: z.literal("present"), matches: pattern, what: z.string().min(1), stage: z.enum(["any", "final"]).default("any") }).strict(),
  /** No instruction matches. */
  z.object({ rule: z.literal("absent"), matches: pattern, what: z.string().min(1) }).strict(),
  /** At least `min` stages, and the final one starts FROM an image matching `finalFrom`. */
  z
    .object({ rule: z.literal("stages"), min: z.number().int().positive().default(1), finalFrom: pattern.optional() })
    .strict(),
]);

export const dockerfileSpecs = [
  z.object({ ...checkBase, kind: z.literal("dockerfile"), file: sandboxPath.default("Dockerfile"), expect: ruleSchema }).strict(),
] as const;

export type DockerfileSpec = z.infer<(typeof dockerfileSpecs)[number]>;

/** `cat FILE` in the sandbox (exit code FILE_MISSING when it is not there). */
export function judgeDockerfile(spec: DockerfileSpec, read: CommandOutput): CheckResult {
  if (read.exitCode === FILE_MISSING) return fail(`There is no ${spec.file}.`);
  if (read.exitCode !== 0) return fail(`The lab could not read ${spec.file}: ${read.stderr.trim() || `exit code ${read.exitCode}`}`);
  return judgeDockerfileText(spec, parseDockerfile(read.stdout));
}

export function judgeDockerfileText(spec: DockerfileSpec, dockerfile: ParsedDockerfile): CheckResult {
  const file = spec.file;
  const rule = spec.expect;
  const final = finalStage(dockerfile);
  if (!final) return fail(`${file} has no FROM line yet.`);
  switch (rule.rule) {
    case "user-not-root": {
      const user = stageUser(final);
      if (!user) return fail(`${file} never sets USER${dockerfile.stages.length > 1 ? " in its final stage" : ""}, so the app runs as its base image's user, which is root for ${final.from}.`);
      if (isRootUser(user.user)) return fail(`Line ${user.line} of ${file} says USER ${user.user}: the app would run as root.`);
      return pass(`The app runs as ${user.user} (line ${user.line}).`);
    }
    case "order": {
      const first = find(dockerfile.instructions, rule.first);
      const then = find(dockerfile.instructions, rule.then);
      if (!first) return fail(`${file} has no instruction matching /${rule.first}/.`);
      if (!then) return fail(`${file} has no instruction matching /${rule.then}/.`);
      if (first.line > then.line) {
        return fail(`In ${file}, ${quote(then.text)} (line ${then.line}) comes before ${quote(first.text)} (line ${first.line}); it should come after.`);
      }
      return pass(`${quote(first.text)} (line ${first.line}) comes before ${quote(then.text)} (line ${then.line}).`);
    }
    case "present": {
      const scope = rule.stage === "final" ? final.instructions : dockerfile.instructions;
      const found = find(scope, rule.matches);
      if (!found) return fail(`${file} has no ${rule.what}${rule.stage === "final" ? " in its final stage" : ""} yet.`);
      return pass(`Line ${found.line}: ${quote(found.text)}.`);
    }
    case "absent": {
      const found = find(dockerfile.instructions, rule.matches);
      if (found) return fail(`${file} still has ${rule.what}: line ${found.line}, ${quote(found.text)}.`);
      return pass(`${file} has no ${rule.what}.`);
    }
    case "stages": {
      const count = dockerfile.stages.length;
      if (count < rule.min) return fail(`${file} has ${count} stage${count === 1 ? "" : "s"} (FROM lines); at least ${rule.min} expected.`);
      if (rule.finalFrom && !new RegExp(rule.finalFrom).test(final.from)) {
        return fail(`The final stage of ${file} starts FROM ${final.from} (line ${final.line}); it should start from /${rule.finalFrom}/.`);
      }
      return pass(`${file} has ${count} stage${count === 1 ? "" : "s"}; the last starts FROM ${final.from}.`);
    }
  }
}

function find(instructions: DockerfileInstruction[], source: string): DockerfileInstruction | undefined {
  const re = new RegExp(source);
  return instructions.find((i) => re.test(i.text));
}
