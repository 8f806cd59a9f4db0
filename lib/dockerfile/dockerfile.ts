import { DockerfileParser, type Instruction } from "dockerfile-ast";

/**
 * A Dockerfile as checks and editor diagnostics see it: instructions with 1-based line numbers,
 * grouped into build stages. dockerfile-ast does the parsing (continuations, JSON form, heredocs,
 * flags); this module keeps only what the lab asks questions about.
 */

export interface DockerfileFlag {
  name: string;
  value: string | null;
}

export interface DockerfileInstruction {
  /** Upper-case keyword: RUN, COPY, FROM, … */
  keyword: string;
  /** Arguments without the flags, continuations joined and runs of white space collapsed. */
  args: string;
  flags: DockerfileFlag[];
  /** 1-based, as an editor shows them. */
  line: number;
  endLine: number;
  /** Index of the build stage the instruction belongs to; -1 for ARGs before the first FROM. */
  stage: number;
  /** `KEYWORD --flag=value args` on one line: what content patterns match and messages quote. */
  text: string;
}

export interface BuildStage {
  index: number;
  /** The name after AS, if any. */
  name: string | null;
  /** The image or stage the stage starts from, as written. */
  from: string;
  line: number;
  instructions: DockerfileInstruction[];
}

export interface ParsedDockerfile {
  instructions: DockerfileInstruction[];
  stages: BuildStage[];
}

export function parseDockerfile(text: string): ParsedDockerfile {
  const instructions: DockerfileInstruction[] = [];
  const stages: BuildStage[] = [];
  for (const node of DockerfileParser.parse(text).getInstructions()) {
    const keyword = node.getKeyword().toUpperCase();
    const flags = flagsOf(node);
    // getArgumentsContent() leaves the flags out already.
    const args = collapse(node.getArgumentsContent() ?? "");
    const range = node.getRange();
    if (keyword === "FROM") {
      const [from = "", as, name] = args.split(" ");
      stages.push({ index: stages.length, name: as?.toUpperCase() === "AS" && name ? name : null, from, line: range.start.line + 1, instructions: [] });
    }
    const instruction: DockerfileInstruction = {
      keyword,
      args,
      flags,
      line: range.start.line + 1,
      endLine: range.end.line + 1,
      stage: stages.length - 1,
      text: [keyword, ...flags.map((f) => (f.value === null ? `--${f.name}` : `--${f.name}=${f.value}`)), args].filter(Boolean).join(" "),
    };
    instructions.push(instruction);
    stages.at(-1)?.instructions.push(instruction);
  }
  return { instructions, stages };
}

/** The stage `docker build` builds when no --target is given. */
export function finalStage(dockerfile: ParsedDockerfile): BuildStage | null {
  return dockerfile.stages.at(-1) ?? null;
}

/** The user the last USER of a stage names, or null where the stage never sets one (it inherits its base's). */
export function stageUser(stage: BuildStage): { user: string; line: number } | null {
  const last = stage.instructions.filter((i) => i.keyword === "USER").at(-1);
  return last ? { user: last.args, line: last.line } : null;
}

/** root, 0, root:anything and 0:anything all run as uid 0. */
export function isRootUser(user: string): boolean {
  const name = user.split(":")[0];
  return name === "root" || name === "0";
}

/** Shell commands of the RUN instructions, in order (heredoc bodies included as written). */
export function runCommands(dockerfile: ParsedDockerfile): DockerfileInstruction[] {
  return dockerfile.instructions.filter((i) => i.keyword === "RUN");
}

/** Source paths of a COPY or ADD: every argument but the destination. */
export function copySources(instruction: DockerfileInstruction): string[] {
  const parts = jsonForm(instruction.args) ?? instruction.args.split(" ");
  return parts.slice(0, -1);
}

/** COPY and ADD instructions in file order, with their sources. */
export function copies(dockerfile: ParsedDockerfile): { instruction: DockerfileInstruction; sources: string[] }[] {
  return dockerfile.instructions
    .filter((i) => i.keyword === "COPY" || i.keyword === "ADD")
    .map((instruction) => ({ instruction, sources: copySources(instruction) }));
}

function flagsOf(node: Instruction): DockerfileFlag[] {
  const withFlags = node as Instruction & { getFlags?: () => { getName(): string; getValue(): string | null }[] };
  return withFlags.getFlags?.().map((f) => ({ name: f.getName(), value: f.getValue() })) ?? [];
}

function collapse(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function jsonForm(args: string): string[] | null {
  if (!args.startsWith("[")) return null;
  try {
    const parsed: unknown = JSON.parse(args);
    return Array.isArray(parsed) && parsed.every((p) => typeof p === "string") ? parsed : null;
  } catch {
    return null;
  }
}
