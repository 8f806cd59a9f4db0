import "server-only";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { parse as parseYaml, YAMLParseError } from "yaml";
import type { z } from "zod";
import { chapterFileSchema, parseChapterFolder, type Chapter, type Course, type Step } from "@/lib/content/chapter";

/** A content file that does not say what the lab needs; the message names the file and the field. */
export class ContentError extends Error {
  override name = "ContentError";
}

/** Reads and validates every chapter under DIR/chapters. Throws ContentError on the first broken chapter. */
export async function loadCourse(dir = "content"): Promise<Course> {
  const chaptersDir = path.join(dir, "chapters");
  const entries = await readdir(chaptersDir, { withFileTypes: true });
  const chapters: Chapter[] = [];
  for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    chapters.push(await loadChapter(path.join(chaptersDir, entry.name)));
  }
  for (const [i, chapter] of chapters.entries()) {
    const twin = chapters.slice(0, i).find((c) => c.order === chapter.order || c.id === chapter.id);
    if (twin) throw new ContentError(`${chaptersDir}: chapters "${twin.id}" and "${chapter.id}" share ${twin.id === chapter.id ? "an id" : `the number ${chapter.order}`}.`);
  }
  return { chapters };
}

async function loadChapter(folder: string): Promise<Chapter> {
  const file = path.join(folder, "chapter.yaml");
  const name = parseChapterFolder(path.basename(folder));
  if (!name) throw new ContentError(`${folder}: a chapter folder is named NN-<id>, e.g. 03-small-images.`);

  let raw: unknown;
  try {
    raw = parseYaml(await readFile(file, "utf8"));
  } catch (error) {
    if (error instanceof YAMLParseError) {
      const at = error.linePos?.[0];
      throw new ContentError(`${file}${at ? `:${at.line}:${at.col}` : ""}: ${error.message.split("\n")[0]}`);
    }
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new ContentError(`${folder}: a chapter folder needs a chapter.yaml.`);
    throw error;
  }
  const parsed = chapterFileSchema.safeParse(raw);
  if (!parsed.success) throw new ContentError(parsed.error.issues.map((issue) => `${file}: ${describeIssue(issue)}`).join("\n"));
  const yaml = parsed.data;
  if (yaml.id !== name.id) throw new ContentError(`${file}: id: "${yaml.id}" must match the folder name ("${name.id}").`);

  const read = (relative: string, field: string) => readText(path.join(folder, relative), file, field);
  const listed = new Set(yaml.files);
  for (const present of await listFiles(path.join(folder, "files"))) {
    if (!listed.has(present)) throw new ContentError(`${file}: files: files/${present} is in the chapter folder but not listed, so it would never reach the learner.`);
  }
  const files = await Promise.all(yaml.files.map(async (p, i) => ({ path: p, content: await read(path.join("files", p), `files[${i}]`) })));
  const steps = await Promise.all(
    yaml.steps.map(async (step, i): Promise<Step> => ({
      id: step.id,
      title: step.title,
      markdown: await read(step.body, `steps[${i}].body`),
      hints: step.hints,
      solutionMarkdown: await read(step.solution, `steps[${i}].solution`),
      checks: step.checks,
      solutionScript: await read(step.solutionScript, `steps[${i}].solutionScript`),
      wrongAnswer: { ...step.wrongAnswer, script: await read(step.wrongAnswer.script, `steps[${i}].wrongAnswer.script`) },
    })),
  );
  return { id: yaml.id, title: yaml.title, summary: yaml.summary, order: name.order, workdir: yaml.workdir, files, steps };
}

export async function readText(absolute: string, contentFile: string, field: string): Promise<string> {
  try {
    return await readFile(absolute, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new ContentError(`${contentFile}: ${field}: there is no file ${absolute}.`);
    throw error;
  }
}

/** Every file under DIR, relative to it; none when DIR does not exist. */
export async function listFiles(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

/** `steps[2].checks[0].maxMb: expected number, received string` */
export function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.reduce<string>((acc, key) => (typeof key === "number" ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), "");
  return `${where || "(top level)"}: ${issue.message.replace(/^Invalid input: /, "")}`;
}

let course: Promise<Course> | undefined;

/** The course, loaded once per process. A failed load is not cached, so fixing the file and retrying works. */
export function getCourse(): Promise<Course> {
  course ??= loadCourse().catch((error: unknown) => {
    course = undefined;
    throw error;
  });
  return course;
}

export async function getChapter(id: string): Promise<Chapter | null> {
  return (await getCourse()).chapters.find((c) => c.id === id) ?? null;
}
