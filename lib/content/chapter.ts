import { z } from "zod";
import { checkSpecSchema, type CheckSpec } from "@/lib/checks/check-spec";

/**
 * The course as pages and checks use it, and the schema of the `chapter.yaml` it is read from.
 * A chapter lives in content/chapters/NN-<id>/: chapter.yaml, steps/*.md (and the test scripts),
 * files/** (exercise files placed in the workdir when the learner starts the chapter).
 */

export interface Course {
  chapters: Chapter[];
}

export interface Chapter {
  id: string;
  title: string;
  summary: string;
  /** From the folder name's NN: chapters are listed in this order. */
  order: number;
  /** Absolute, under /home/learner. */
  workdir: string;
  files: ExerciseFile[];
  steps: Step[];
}

export interface ExerciseFile {
  /** Relative to the workdir. */
  path: string;
  content: string;
}

export interface Step {
  id: string;
  title: string;
  markdown: string;
  /** Progressive: the learner opens them one at a time. */
  hints: string[];
  solutionMarkdown: string;
  checks: CheckSpec[];
  /** Bash, run as the learner in the workdir, that completes the step; the tests apply it. */
  solutionScript: string;
  /** A plausible mistake; the tests apply it and expect check `fails` to fail, its message matching `message`. */
  wrongAnswer: { script: string; fails: string; message?: string };
}

export const LEARNER_HOME = "/home/learner";

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "use lower-case letters, digits and dashes");

/** A path inside the chapter folder: relative, no "..". */
const chapterPath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith("/") && !p.split("/").some((s) => s === ".." || s === "." || s === ""), {
    message: 'must be a plain relative path (no leading "/", no "." or "..")',
  });

const stepSchema = z
  .object({
    id: slug,
    title: z.string().min(1),
    /** Markdown file with the step's instructions. */
    body: chapterPath,
    hints: z.array(z.string().min(1)).default([]),
    solution: chapterPath,
    solutionScript: chapterPath,
    wrongAnswer: z.object({ script: chapterPath, fails: slug, message: z.string().min(1).optional() }).strict(),
    checks: z.array(checkSpecSchema).min(1),
  })
  .strict()
  .superRefine((step, ctx) => {
    const ids = step.checks.map((c) => c.id);
    ids.forEach((id, i) => {
      if (ids.indexOf(id) !== i) ctx.addIssue({ code: "custom", path: ["checks", i, "id"], message: `duplicate check id "${id}"` });
    });
    if (!ids.includes(step.wrongAnswer.fails)) {
      ctx.addIssue({ code: "custom", path: ["wrongAnswer", "fails"], message: `names no check of this step (checks: ${ids.join(", ")})` });
    }
  });

export const chapterFileSchema = z
  .object({
    id: slug,
    title: z.string().min(1),
    summary: z.string().min(1),
    workdir: z
      .string()
      .refine((p) => p.startsWith(`${LEARNER_HOME}/`) && !p.endsWith("/") && !p.split("/").some((s) => s === ".." || s === "."), {
        message: `must be a folder under ${LEARNER_HOME}/`,
      }),
    /** Exercise files, relative to the chapter's files/ folder and to the workdir. */
    files: z.array(chapterPath).default([]),
    steps: z.array(stepSchema).min(1),
  })
  .strict()
  .superRefine((chapter, ctx) => {
    const ids = chapter.steps.map((s) => s.id);
    ids.forEach((id, i) => {
      if (ids.indexOf(id) !== i) ctx.addIssue({ code: "custom", path: ["steps", i, "id"], message: `duplicate step id "${id}"` });
    });
  });

export type ChapterFile = z.infer<typeof chapterFileSchema>;

/** content/chapters/03-small → order 3, id "small". */
export function parseChapterFolder(name: string): { order: number; id: string } | null {
  const match = /^(\d{2})-([a-z0-9][a-z0-9-]*)$/.exec(name);
  return match ? { order: Number(match[1]), id: match[2] } : null;
}
