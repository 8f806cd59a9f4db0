/**
 * Shell integration marks (OSC 133, "FinalTerm" semantic prompts) found in a terminal's output stream.
 *
 * The sandbox's bash emits `ESC ] 133 ; D ; <exit code> BEL` when a command finished and `ESC ] 133 ; A BEL`
 * when the prompt starts. Inside tmux each is wrapped in tmux's passthrough (`ESC P tmux; ESC ESC ] 133;… BEL
 * ESC \`), which this scanner reads too: the doubled ESC still puts an ESC right before the `]`.
 *
 * Output arrives in arbitrary chunks, so a mark may be split anywhere; the scanner keeps the unfinished tail
 * (bounded) and finishes it with the next chunk.
 */

export type ShellMark =
  | { kind: "prompt-start" }
  | { kind: "command-start" }
  | { kind: "command-executed" }
  | { kind: "command-finished"; exitCode: number | null };

const ESC = 0x1b;
const BEL = 0x07;
const PREFIX = [ESC, 0x5d, 0x31, 0x33, 0x33, 0x3b]; // ESC ] 1 3 3 ;
/** Longer payloads are not marks this lab emits; giving up keeps the carried tail small. */
const MAX_PAYLOAD = 64;

function parsePayload(payload: string): ShellMark | null {
  const [code, ...params] = payload.split(";");
  switch (code) {
    case "A":
      return { kind: "prompt-start" };
    case "B":
      return { kind: "command-start" };
    case "C":
      return { kind: "command-executed" };
    case "D": {
      const first = params[0];
      const exitCode = first !== undefined && /^\d{1,3}$/.test(first) ? Number(first) : null;
      return { kind: "command-finished", exitCode };
    }
    default:
      return null;
  }
}

export class ShellMarkScanner {
  private carry: Uint8Array = new Uint8Array(0);

  /** Marks completed by this chunk, in stream order. */
  push(chunk: Uint8Array): ShellMark[] {
    const data = this.carry.length ? concat(this.carry, chunk) : chunk;
    this.carry = new Uint8Array(0);
    const marks: ShellMark[] = [];
    let i = 0;
    while (i < data.length) {
      const start = data.indexOf(ESC, i);
      if (start < 0) break;
      const prefix = matchPrefix(data, start);
      if (prefix === "no") {
        i = start + 1;
        continue;
      }
      if (prefix === "partial") {
        this.carry = data.slice(start);
        break;
      }
      const payloadStart = start + PREFIX.length;
      const end = findTerminator(data, payloadStart);
      if (end < 0) {
        if (data.length - payloadStart <= MAX_PAYLOAD) this.carry = data.slice(start);
        break;
      }
      if (end - payloadStart <= MAX_PAYLOAD) {
        const mark = parsePayload(String.fromCharCode(...data.subarray(payloadStart, end)));
        if (mark) marks.push(mark);
      }
      i = end;
    }
    return marks;
  }
}

function matchPrefix(data: Uint8Array, start: number): "yes" | "no" | "partial" {
  for (let k = 0; k < PREFIX.length; k++) {
    if (start + k >= data.length) return "partial";
    if (data[start + k] !== PREFIX[k]) return "no";
  }
  return "yes";
}

/** BEL ends the mark; so does ESC (the `ESC \` string terminator, plain or doubled inside passthrough). */
function findTerminator(data: Uint8Array, from: number): number {
  for (let k = from; k < data.length && k <= from + MAX_PAYLOAD; k++) {
    if (data[k] === BEL || data[k] === ESC) return k;
  }
  return data.length - from > MAX_PAYLOAD ? from + MAX_PAYLOAD + 1 : -1;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/**
 * Turns marks into "the shell is back at a prompt" events: one per prompt start, carrying the exit code of the
 * command that just finished (null when the prompt came without a finished command, e.g. the first one).
 */
export class PromptTracker {
  private lastExit: number | null = null;

  take(marks: ShellMark[]): { exitCode: number | null }[] {
    const prompts: { exitCode: number | null }[] = [];
    for (const mark of marks) {
      if (mark.kind === "command-finished") this.lastExit = mark.exitCode;
      else if (mark.kind === "prompt-start") {
        prompts.push({ exitCode: this.lastExit });
        this.lastExit = null;
      }
    }
    return prompts;
  }
}
