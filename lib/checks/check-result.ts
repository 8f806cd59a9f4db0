/**
 * What a check's commands produced and what the judge made of it. Judges are pure: they get the
 * recorded output of commands run in the sandbox and answer in the learner's terms.
 */

/** The output of one command run in the sandbox (the shape SandboxExec returns). */
export interface CommandOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
  timedOut: boolean;
}

export interface CheckResult {
  passed: boolean;
  /** One or two sentences about the learner's own work: what is there, what is missing. */
  message: string;
  /** Evidence for the curious, shown folded: a layer table, the tail of a build log. */
  details?: string;
}

export function pass(message: string, details?: string): CheckResult {
  return details === undefined ? { passed: true, message } : { passed: true, message, details };
}

export function fail(message: string, details?: string): CheckResult {
  return details === undefined ? { passed: false, message } : { passed: false, message, details };
}

/** Sizes as `docker image ls` and `docker image history` print them: decimal units, three significant digits. */
export function formatSize(bytes: number): string {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? String(Math.round(value)) : String(Number(value.toPrecision(3)))} ${units[unit]}`;
}

export const MB = 1000 * 1000;

/** The other way: "9.461MB" as `docker image ls` prints it, back to bytes. NaN for anything else. */
export function parseSize(text: string): number {
  const match = /^([\d.]+)\s*(B|kB|KB|MB|GB|TB)$/.exec(text.trim());
  if (!match) return NaN;
  const power = ["B", "kB", "MB", "GB", "TB"].indexOf(match[2] === "KB" ? "kB" : match[2]);
  return Math.round(Number(match[1]) * 1000 ** power);
}

/** A command or instruction shortened for a sentence: `RUN mkdir -p /var/lib/apt/lists && head -c 60M …`. */
export function quote(text: string, max = 90): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return `\`${flat.length > max ? `${flat.slice(0, max - 1)}…` : flat}\``;
}

/** The last lines of a long output, for details. */
export function tail(text: string, lines = 30): string {
  const all = text.trimEnd().split("\n");
  return all.slice(-lines).join("\n");
}

/** JSON printed by a command, or undefined where it printed something else (the judge's schema then says so). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Commands that print a stream of JSON objects: one a line (`--format json`) or pretty-printed one
 * after another (`--progress=rawjson`). Anything between the objects is skipped.
 */
export function parseJsonStream(text: string): unknown[] {
  const values: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"' && depth > 0) {
      inString = true;
    } else if (c === "{") {
      if (depth++ === 0) start = i;
    } else if (c === "}" && depth > 0 && --depth === 0) {
      const value = parseJson(text.slice(start, i + 1));
      if (value !== undefined) values.push(value);
    }
  }
  return values;
}
