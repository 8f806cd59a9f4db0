import { z } from "zod";
import { checkSpecSchema, type CheckSpec } from "@/lib/checks/check-spec";
import { LEARNER_HOME, type ExerciseFile } from "@/lib/content/chapter";
import { pickVariant, renderTemplate, type VariantChoices, type VariantValues } from "@/lib/drills/variant";

/**
 * Troubleshooting drills: a small project whose build or container is broken, a goal, and checks that
 * build and run the learner's project to judge the fix. A drill lives in content/drills/NN-<id>/:
 * drill.yaml, files/** (the broken project), fix/** (the reference fix: the files that change).
 * Every text in it (drill.yaml itself, files, fix) may name the drill's variables as {{name}}.
 */

/** A drill as written, before a seed picks its variant: what the catalog shows and what rendering needs. */
export interface Drill {
  id: string;
  title: string;
  summary: string;
  /** The failure class, in the words people search for: "ARG scope across FROM". */
  failure: string;
  /** From the folder name's NN. */
  order: number;
  /** Minutes a practised fixer needs; finishing within par (hint costs included) scores full marks. */
  parMinutes: number;
  /** Seconds added to the learner's time for each hint opened. */
  hintCostSeconds: number;
  variables: VariantChoices;
  /** Absolute, under /home/learner; the same for every variant, so a learner's terminal habits carry over. */
  workdir: string;
  /** The raw texts every variant is rendered from. */
  source: DrillSource;
}

export interface DrillSource {
  /** drill.yaml with its {{placeholders}}. */
  yaml: string;
  files: ExerciseFile[];
  fix: ExerciseFile[];
  /** Bash run in the workdir after the fix files are written (starting a container, moving a file), or "". */
  fixScript: string;
}

/** One attempt's drill: every text with the variant's values in. */
export interface DrillVariant {
  drillId: string;
  seed: number;
  values: VariantValues;
  goal: string;
  hints: string[];
  files: ExerciseFile[];
  fix: ExerciseFile[];
  fixScript: string;
  fixNotes: string;
  checks: CheckSpec[];
  /** The check the broken project must fail, and how it must say so. */
  broken: { fails: string; message?: string };
}

export const DRILLS_HOME = `${LEARNER_HOME}/drills`;

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "use lower-case letters, digits and dashes");

const projectPath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith("/") && !p.split("/").some((s) => s === ".." || s === "." || s === ""), {
    message: 'must be a plain relative path (no leading "/", no "." or "..")',
  });

/** drill.yaml after rendering (the variables block is read before rendering, from the raw text). */
export const drillFileSchema = z
  .object({
    id: slug,
    title: z.string().min(1),
    summary: z.string().min(1),
    failure: z.string().min(1),
    parMinutes: z.number().positive().max(120),
    hintCostSeconds: z.number().int().nonnegative().default(60),
    variables: z.unknown().optional(),
    /** Markdown: what the project should do, in the variant's names. */
    goal: z.string().min(1),
    hints: z.array(z.string().min(1)).min(1),
    /** The broken project: paths relative to the drill's files/ folder and to the workdir. */
    files: z.array(projectPath).min(1),
    /** The reference fix: files (relative to fix/) that replace or add to the project. */
    fix: z.array(projectPath).default([]),
    fixScript: projectPath.optional(),
    /** Markdown shown with the reference fix when the learner gives up: why it broke. */
    fixNotes: z.string().min(1),
    broken: z.object({ fails: slug, message: z.string().min(1).optional() }).strict(),
    checks: z.array(checkSpecSchema).min(1),
  })
  .strict()
  .superRefine((drill, ctx) => {
    const ids = drill.checks.map((c) => c.id);
    ids.forEach((id, i) => {
      if (ids.indexOf(id) !== i) ctx.addIssue({ code: "custom", path: ["checks", i, "id"], message: `duplicate check id "${id}"` });
    });
    if (!ids.includes(drill.broken.fails)) {
      ctx.addIssue({ code: "custom", path: ["broken", "fails"], message: `names no check of this drill (checks: ${ids.join(", ")})` });
    }
    if (drill.fix.length === 0 && !drill.fixScript) ctx.addIssue({ code: "custom", path: ["fix"], message: "give the reference fix: fix files, a fixScript, or both" });
  });

export type DrillFile = z.infer<typeof drillFileSchema>;

/** content/drills/04-arg-scope → order 4, id "arg-scope". */
export function parseDrillFolder(name: string): { order: number; id: string } | null {
  const match = /^(\d{2})-([a-z0-9][a-z0-9-]*)$/.exec(name);
  return match ? { order: Number(match[1]), id: match[2] } : null;
}

export function drillWorkdir(id: string): string {
  return `${DRILLS_HOME}/${id}`;
}

/**
 * The drill for SEED. Rendering the YAML text (not the parsed object) lets a variable stand for a number
 * (`port: {{port}}`) and keeps the checks' own validation in one place.
 */
export function renderDrill(drill: Pick<Drill, "id" | "variables" | "source">, seed: number, parse: (yaml: string) => DrillFile): DrillVariant {
  const values = pickVariant(drill.variables, seed);
  const render = (text: string) => renderTemplate(text, values);
  const yaml = parse(render(drill.source.yaml));
  return {
    drillId: drill.id,
    seed,
    values,
    goal: yaml.goal,
    hints: yaml.hints,
    files: drill.source.files.map((f) => ({ path: f.path, content: render(f.content) })),
    fix: drill.source.fix.map((f) => ({ path: f.path, content: render(f.content) })),
    fixScript: render(drill.source.fixScript),
    fixNotes: yaml.fixNotes,
    checks: yaml.checks,
    broken: yaml.broken,
  };
}
