import "server-only";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { isNode, parseDocument } from "yaml";
import { drillFileSchema, drillWorkdir, parseDrillFolder, renderDrill, type Drill, type DrillFile, type DrillVariant } from "@/lib/content/drill";
import { coveringVariants, pickVariant, renderTemplate, UnknownVariableError, variantChoicesSchema, type VariantChoices, type VariantValues } from "@/lib/drills/variant";
import { ContentError, describeIssue, listFiles, readText } from "./course";

/** Reads and validates every drill under DIR/drills, each under every value of its variables. Throws ContentError naming file and field. */
export async function loadDrills(dir = "content"): Promise<Drill[]> {
  const drillsDir = path.join(dir, "drills");
  let entries;
  try {
    entries = await readdir(drillsDir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const drills: Drill[] = [];
  for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    drills.push(await loadDrill(path.join(drillsDir, entry.name)));
  }
  for (const [i, drill] of drills.entries()) {
    const twin = drills.slice(0, i).find((d) => d.order === drill.order || d.id === drill.id);
    if (twin) throw new ContentError(`${drillsDir}: drills "${twin.id}" and "${drill.id}" share ${twin.id === drill.id ? "an id" : `the number ${drill.order}`}.`);
  }
  return drills;
}

async function loadDrill(folder: string): Promise<Drill> {
  const file = path.join(folder, "drill.yaml");
  const name = parseDrillFolder(path.basename(folder));
  if (!name) throw new ContentError(`${folder}: a drill folder is named NN-<id>, e.g. 04-arg-scope.`);
  const yaml = await readText(file, folder, "drill.yaml");

  // The variables come first, from the raw text: every other field may depend on them.
  const document = parseDocument(yaml);
  if (document.errors.length) {
    const error = document.errors[0];
    const at = error.linePos?.[0];
    throw new ContentError(`${file}${at ? `:${at.line}:${at.col}` : ""}: ${error.message.split("\n")[0]}`);
  }
  const variablesNode = document.get("variables", true);
  const variables = variantChoicesSchema.safeParse(isNode(variablesNode) ? variablesNode.toJS(document) : {});
  if (!variables.success) throw new ContentError(variables.error.issues.map((issue) => `${file}: variables.${describeIssue(issue)}`).join("\n"));

  const parse = (rendered: string, label: string): DrillFile => {
    const parsed = drillFileSchema.safeParse(parseDocument(rendered).toJS());
    if (!parsed.success) throw new ContentError(parsed.error.issues.map((issue) => `${file}${label}: ${describeIssue(issue)}`).join("\n"));
    return parsed.data;
  };
  // The drill as written (seed 0) names its files; its texts are read once and rendered per variant.
  const asWritten = parse(renderAsWritten(yaml, variables.data, file), "");
  if (asWritten.id !== name.id) throw new ContentError(`${file}: id: "${asWritten.id}" must match the folder name ("${name.id}").`);
  const read = (relative: string, field: string) => readText(path.join(folder, relative), file, field);
  for (const [sub, listed, field] of [["files", asWritten.files, "files"], ["fix", asWritten.fix, "fix"]] as const) {
    for (const present of await listFiles(path.join(folder, sub))) {
      if (!listed.includes(present)) throw new ContentError(`${file}: ${field}: ${sub}/${present} is in the drill folder but not listed, so it would never be used.`);
    }
  }
  const source = {
    yaml,
    files: await Promise.all(asWritten.files.map(async (p, i) => ({ path: p, content: await read(path.join("files", p), `files[${i}]`) }))),
    fix: await Promise.all(asWritten.fix.map(async (p, i) => ({ path: p, content: await read(path.join("fix", p), `fix[${i}]`) }))),
    fixScript: asWritten.fixScript ? await read(asWritten.fixScript, "fixScript") : "",
  };
  const drill: Drill = {
    id: asWritten.id,
    title: asWritten.title,
    summary: asWritten.summary,
    failure: asWritten.failure,
    order: name.order,
    parMinutes: asWritten.parMinutes,
    hintCostSeconds: asWritten.hintCostSeconds,
    variables: variables.data,
    workdir: drillWorkdir(asWritten.id),
    source,
  };
  // Every value of every variable must give a valid drill, so no seed breaks at a learner's start.
  for (const values of coveringVariants(variables.data)) {
    const label = Object.keys(values).length ? ` (with ${Object.entries(values).map(([k, v]) => `${k}=${v}`).join(", ")})` : "";
    try {
      renderDrill({ ...drill, variables: pinned(values) }, 0, (text) => parse(text, label));
    } catch (error) {
      if (error instanceof UnknownVariableError) throw new ContentError(`${file}: ${error.message} (in drill.yaml or one of its files).`);
      throw error;
    }
  }
  return drill;
}

function renderAsWritten(yaml: string, variables: VariantChoices, file: string): string {
  try {
    return renderTemplate(yaml, pickVariant(variables, 0));
  } catch (error) {
    if (error instanceof UnknownVariableError) throw new ContentError(`${file}: ${error.message}; declare it under variables.`);
    throw error;
  }
}

let drills: Promise<Drill[]> | undefined;

/** The drills, loaded once per process; a failed load is not cached. */
export function getDrills(): Promise<Drill[]> {
  drills ??= loadDrills().catch((error: unknown) => {
    drills = undefined;
    throw error;
  });
  return drills;
}

export async function getDrill(id: string): Promise<Drill | null> {
  return (await getDrills()).find((d) => d.id === id) ?? null;
}

/** The drill for one attempt's seed. */
export function drillVariant(drill: Drill, seed: number): DrillVariant {
  return renderDrill(drill, seed, (text) => drillFileSchema.parse(parseDocument(text).toJS()));
}

/** The drill with the given VALUES (e.g. one row of coveringVariants): each variable pinned, rendered as seed 0. */
export function drillVariantWith(drill: Drill, values: VariantValues): DrillVariant {
  return drillVariant({ ...drill, variables: pinned(values) }, 0);
}

function pinned(values: VariantValues): VariantChoices {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, [v]]));
}
