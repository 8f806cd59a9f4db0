import { LEARNER_HOME } from "@/lib/content/chapter";

/**
 * What ▶ Run does with a command from a step's text before it reaches the learner's terminal: it runs in the
 * exercise's own folder, and a placeholder the book prints (`docker container stop ID`, `<digest of layer 3>`, `…`)
 * is filled in by the learner first instead of being run as is.
 */

export type PlaceholderKind = "container" | "image" | "value";

export interface Placeholder {
  /** The placeholder as printed; the same text twice in one command is one placeholder, filled once. */
  token: string;
  kind: PlaceholderKind;
  /** What to fill in, in the learner's words. */
  label: string;
}

interface Occurrence {
  token: string;
  start: number;
  end: number;
}

/** Upper-case words the book uses for "put your own here"; never a real command's word in this course. */
const WORD_PLACEHOLDERS: Record<string, { kind: PlaceholderKind; label: string }> = {
  ID: { kind: "container", label: "container id" },
  CONTAINER: { kind: "container", label: "container name or id" },
  CONTAINER_ID: { kind: "container", label: "container id" },
  IMAGE: { kind: "image", label: "image name or id" },
  IMAGE_ID: { kind: "image", label: "image id" },
  DIGEST: { kind: "value", label: "digest" },
};

/** An id the book copied from its own output (`---> c784913cd432`): the learner's own is different. */
const PRINTED_ID = /^(?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{12}$/;

/** Characters that end a shell word (outside quotes). */
const WORD_END = new Set([" ", "\t", "\n", ";", "|", "&", "(", ")", "<", ">"]);

/**
 * The placeholders in `command`, where they are. Read as the shell reads it: nothing inside quotes or in a comment
 * is one (`sed 's/<h1>.*<\/h1>/…/'` and `# the id from the first column` are not), nor a redirection (`< file`,
 * `<<EOF >`).
 */
function occurrences(command: string): Occurrence[] {
  const found: Occurrence[] = [];
  let i = 0;
  let wordStart = true;
  while (i < command.length) {
    const c = command[i];
    if (c === "\\" && i + 1 < command.length) {
      i += 2;
      wordStart = false;
      continue;
    }
    if (c === "'" || c === '"') {
      const close = findClose(command, i + 1, c);
      i = close < 0 ? command.length : close + 1;
      wordStart = false;
      continue;
    }
    if (c === "#" && wordStart) {
      const eol = command.indexOf("\n", i);
      i = eol < 0 ? command.length : eol;
      continue;
    }
    if (c === "…") {
      found.push({ token: c, start: i, end: i + 1 });
      i += 1;
      wordStart = false;
      continue;
    }
    if (c === "<" && command[i - 1] !== "<" && /[A-Za-z]/.test(command[i + 1] ?? "")) {
      const close = command.indexOf(">", i);
      const inner = close < 0 ? "" : command.slice(i + 1, close);
      if (close > 0 && !/[<\n'"]/.test(inner) && !/\s$/.test(inner)) {
        found.push({ token: command.slice(i, close + 1), start: i, end: close + 1 });
        i = close + 1;
        wordStart = false;
        continue;
      }
    }
    if (WORD_END.has(c)) {
      i += 1;
      wordStart = true;
      continue;
    }
    if (wordStart) {
      // A bare word: up to the next character that ends a word, if no quote or escape is inside it.
      let end = i;
      while (end < command.length && !WORD_END.has(command[end])) end++;
      const word = command.slice(i, end);
      if (!/['"\\…]/.test(word) && (word in WORD_PLACEHOLDERS || PRINTED_ID.test(word) || word === "...")) {
        found.push({ token: word, start: i, end });
        i = end;
        wordStart = false;
        continue;
      }
    }
    i += 1;
    wordStart = false;
  }
  return found;
}

function findClose(command: string, from: number, quote: string): number {
  for (let k = from; k < command.length; k++) {
    if (quote === '"' && command[k] === "\\") k++;
    else if (command[k] === quote) return k;
  }
  return -1;
}

function describe(token: string): Placeholder {
  const word = WORD_PLACEHOLDERS[token];
  if (word) return { token, ...word };
  if (PRINTED_ID.test(token)) return { token, kind: "image", label: `your own id in place of the book's ${token}` };
  if (token.startsWith("<")) return { token, kind: "value", label: token.slice(1, -1).trim() };
  return { token, kind: "value", label: "what the book left out" };
}

/** The placeholders `command` holds, each once, in the order they appear. Empty: it runs as printed. */
export function findPlaceholders(command: string): Placeholder[] {
  const seen = new Set<string>();
  const list: Placeholder[] = [];
  for (const { token } of occurrences(command)) {
    if (seen.has(token)) continue;
    seen.add(token);
    list.push(describe(token));
  }
  return list;
}

/**
 * A value as it may go into the command: one line, trimmed. Empty when there is nothing to fill in. A value is typed
 * into the learner's own shell as they would type it, so it is not quoted; a line break would run a second command.
 */
export function cleanValue(value: string): string {
  return value.replace(/[\r\n]+/g, " ").trim();
}

/** `command` with every placeholder replaced by its value; null while any of them has none. */
export function fillPlaceholders(command: string, values: Record<string, string>): string | null {
  let out = "";
  let at = 0;
  for (const { token, start, end } of occurrences(command)) {
    const value = cleanValue(values[token] ?? "");
    if (!value) return null;
    out += command.slice(at, start) + value;
    at = end;
  }
  return out + command.slice(at);
}

/** `/home/learner/docker-node-hello` as the learner types it: `~/docker-node-hello`, quoted when it needs to be. */
export function folderAsTyped(workdir: string): string {
  const rest = workdir === LEARNER_HOME ? "" : workdir.startsWith(`${LEARNER_HOME}/`) ? workdir.slice(LEARNER_HOME.length + 1) : null;
  if (rest === null) return /^[\w./-]+$/.test(workdir) ? workdir : `'${workdir.replaceAll("'", `'\\''`)}'`;
  if (rest === "") return "~";
  return /^[\w./-]+$/.test(rest) ? `~/${rest}` : `~/'${rest.replaceAll("'", `'\\''`)}'`;
}

/**
 * The command as ▶ Run types it: first into the exercise's folder (`cd ~/docker-node-hello && …`), visibly, so the
 * learner sees where it ran. A block that starts by going to a folder of its own (`cd ~/multiarch/go`) is left as it is.
 */
export function inExerciseFolder(workdir: string, command: string): string {
  if (/^\s*cd\s+(~|\/)/.test(command)) return command;
  return `cd ${folderAsTyped(workdir)} && ${command.replace(/^\s+/, "")}`;
}
