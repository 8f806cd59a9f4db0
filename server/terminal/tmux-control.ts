import "server-only";

/**
 * tmux control mode (`tmux -CC`), the way the lab talks to the learner's tmux session.
 *
 * Why not a plain `tmux attach`: an attached tmux redraws the screen for the outer terminal and coalesces fast
 * output, so lines that scroll by within one redraw never reach xterm.js (measured: `seq 1 2000` delivered 211 of
 * 2000 lines), and the browser's scrollback gets holes. In control mode tmux sends the pane's own output bytes
 * (`%output`), losslessly, still keeps the session alive across reloads and server restarts, and answers
 * commands (capture-pane for a snapshot) in order with that output, so a snapshot and the live stream after it
 * line up. Backpressure mostly works: when the lab stops reading, tmux stops reading the pane. Not always (under
 * load tmux was seen holding tens of MB of `yes` for a paused client, so Ctrl-C took minutes to show), so the lab
 * also sets `pause-after`: output tmux could not send for that long is skipped, and the lab redraws the pane.
 */

export type ControlEvent =
  | { type: "output"; pane: string; data: Uint8Array }
  /** The reply to one of our commands, in the order they were sent; `lines` are raw bytes without line ends. */
  | { type: "result"; ok: boolean; lines: Uint8Array[] }
  | { type: "exit"; reason: string }
  | { type: "notification"; name: string; args: string };

const LF = 0x0a;
const CR = 0x0d;
const BACKSLASH = 0x5c;
/** A line longer than this is not something tmux sends; dropping it keeps a corrupt stream from eating memory. */
const MAX_LINE_BYTES = 4 * 1024 * 1024;
const DCS_START = Buffer.from("\x1bP1000p");

/** Splits the control-mode byte stream into events. Chunks may end anywhere. */
export class ControlModeParser {
  private pending: Buffer = Buffer.alloc(0);
  private block: { number: string; ours: boolean; lines: Uint8Array[] } | null = null;

  push(chunk: Uint8Array): ControlEvent[] {
    let data = this.pending.length ? Buffer.concat([this.pending, chunk]) : Buffer.from(chunk);
    const events: ControlEvent[] = [];
    let start = 0;
    for (let lf = data.indexOf(LF, start); lf >= 0; lf = data.indexOf(LF, start)) {
      const end = lf > start && data[lf - 1] === CR ? lf - 1 : lf;
      this.line(data.subarray(start, end), events);
      start = lf + 1;
    }
    data = data.subarray(start);
    this.pending = data.length > MAX_LINE_BYTES ? Buffer.alloc(0) : Buffer.from(data);
    return events;
  }

  private line(raw: Buffer, events: ControlEvent[]): void {
    // -CC wraps the whole session in a DCS; its opening rides on the first line.
    const line = raw.subarray(0, DCS_START.length).equals(DCS_START) ? raw.subarray(DCS_START.length) : raw;
    if (this.block) {
      const text = line.subarray(0, 64).toString("latin1");
      const close = /^%(end|error) \d+ (\d+) \d+$/.exec(text);
      if (close && close[2] === this.block.number) {
        if (this.block.ours) events.push({ type: "result", ok: close[1] === "end", lines: this.block.lines });
        this.block = null;
      } else if (this.block.ours) {
        this.block.lines.push(Uint8Array.from(line));
      }
      return;
    }
    if (line[0] !== 0x25 /* % */) return;
    const space = line.indexOf(0x20);
    const name = line.subarray(1, space < 0 ? line.length : space).toString("latin1");
    if (name === "output" || name === "extended-output") {
      const paneEnd = line.indexOf(0x20, space + 1);
      if (paneEnd < 0) return;
      // With pause-after, output is `%extended-output %pane age ... : data`.
      const dataStart = name === "output" ? paneEnd + 1 : line.indexOf(" : ", paneEnd) + 3;
      if (dataStart < paneEnd) return;
      events.push({ type: "output", pane: line.subarray(space + 1, paneEnd).toString("latin1"), data: unescapeOutput(line.subarray(dataStart)) });
      return;
    }
    const args = space < 0 ? "" : line.subarray(space + 1).toString("utf8");
    if (name === "begin") {
      // Flags bit 0 marks a command this client sent; others (tmux's own, e.g. the attach) are not replies to us.
      const [, number = "", flags = "0"] = args.split(" ");
      this.block = { number, ours: (Number(flags) & 1) === 1, lines: [] };
    } else if (name === "exit") {
      events.push({ type: "exit", reason: args });
    } else {
      events.push({ type: "notification", name, args });
    }
  }
}

/** %output escapes bytes below 32 and the backslash as `\ooo`; everything else is the pane's bytes as they were. */
export function unescapeOutput(escaped: Uint8Array): Uint8Array {
  const out = new Uint8Array(escaped.length);
  let n = 0;
  for (let i = 0; i < escaped.length; i++) {
    const b = escaped[i];
    if (b === BACKSLASH && i + 3 < escaped.length && isOctal(escaped[i + 1]) && isOctal(escaped[i + 2]) && isOctal(escaped[i + 3])) {
      out[n++] = ((escaped[i + 1] - 48) << 6) | ((escaped[i + 2] - 48) << 3) | (escaped[i + 3] - 48);
      i += 3;
    } else {
      out[n++] = b;
    }
  }
  return out.subarray(0, n);
}

function isOctal(b: number | undefined): boolean {
  return b !== undefined && b >= 0x30 && b <= 0x37;
}

/** Input bytes per send-keys command; a paste becomes several commands. */
const SEND_KEYS_CHUNK = 1024;

/**
 * Commands that type `input` into `pane` byte for byte. Inside tmux's double quotes, `\`, `"` and `$` (variable
 * expansion) are escaped, control bytes become octal escapes, and UTF-8 passes as it is. `--` stops a leading
 * `-` from being read as an option.
 */
export function sendKeysCommands(pane: string, input: Uint8Array): Buffer[] {
  const commands: Buffer[] = [];
  for (let offset = 0; offset < input.length; offset += SEND_KEYS_CHUNK) {
    const piece = input.subarray(offset, offset + SEND_KEYS_CHUNK);
    const parts: Buffer[] = [Buffer.from(`send-keys -t ${pane} -l -- "`)];
    let run = offset;
    const flush = (to: number) => {
      if (to > run) parts.push(Buffer.from(input.subarray(run, to)));
    };
    for (let i = offset; i < offset + piece.length; i++) {
      const b = input[i];
      let escape: string | null = null;
      if (b < 0x20 || b === 0x7f) escape = "\\" + b.toString(8).padStart(3, "0");
      else if (b === 0x5c || b === 0x22 || b === 0x24) escape = "\\" + String.fromCharCode(b);
      if (escape !== null) {
        flush(i);
        parts.push(Buffer.from(escape));
        run = i + 1;
      }
    }
    flush(offset + piece.length);
    parts.push(Buffer.from('"\n'));
    commands.push(Buffer.concat(parts));
  }
  return commands;
}

export function resizeCommand(cols: number, rows: number): Buffer {
  return Buffer.from(`refresh-client -C ${cols}x${rows}\n`);
}

/**
 * tmux pauses a pane for this client once its unsent output is this old, and says `%pause %pane`; the lab then
 * continues it and redraws the screen instead of replaying the backlog.
 */
export function pauseAfterCommand(seconds: number): Buffer {
  return Buffer.from(`refresh-client -f pause-after=${seconds}\n`);
}

/** Pauses the pane for this client: tmux drops what it still holds for us and says `%pause %pane`. */
export function pauseCommand(pane: string): Buffer {
  return Buffer.from(`refresh-client -A '${pane}:pause'\n`);
}

export function continueCommand(pane: string): Buffer {
  // Quoted: a word starting with % is a directive (%if) to tmux's parser.
  return Buffer.from(`refresh-client -A '${pane}:continue'\n`);
}

/** Asks for the pane this control client is looking at (its session's active pane). */
export const PANE_ID_COMMAND = Buffer.from(`display-message -p "#{pane_id}"\n`);

export interface PaneState {
  cursorX: number;
  cursorY: number;
  width: number;
  height: number;
  alternateScreen: boolean;
  cursorVisible: boolean;
  applicationCursorKeys: boolean;
  applicationKeypad: boolean;
  mouse: { standard: boolean; button: boolean; any: boolean; sgr: boolean };
  historySize: number;
}

const PANE_STATE_FORMAT = [
  "cursor_x",
  "cursor_y",
  "pane_width",
  "pane_height",
  "alternate_on",
  "cursor_flag",
  "keypad_cursor_flag",
  "keypad_flag",
  "mouse_standard_flag",
  "mouse_button_flag",
  "mouse_any_flag",
  "mouse_sgr_flag",
  "history_size",
]
  .map((f) => `#{${f}}`)
  .join(",");

/** The three commands whose replies make a snapshot: pane state, scrollback, visible screen. */
export function snapshotCommands(pane: string, historyLines: number): Buffer[] {
  const [state, screen] = screenCommands(pane);
  // -J joins wrapped lines so xterm.js re-wraps history at its own width.
  return [state, Buffer.from(`capture-pane -p -e -J -t ${pane} -S -${historyLines} -E -1\n`), screen];
}

/** The two commands whose replies redraw the screen alone: pane state, visible screen. */
export function screenCommands(pane: string): Buffer[] {
  return [
    Buffer.from(`display-message -p -t ${pane} "${PANE_STATE_FORMAT}"\n`),
    // The screen row by row (no -J), trailing blanks kept (-N) so coloured backgrounds survive.
    Buffer.from(`capture-pane -p -e -N -t ${pane}\n`),
  ];
}

export function parsePaneState(line: Uint8Array | undefined): PaneState | null {
  if (!line) return null;
  const v = Buffer.from(line).toString("latin1").split(",").map(Number);
  if (v.length !== 13 || v.some((n) => !Number.isInteger(n) || n < 0)) return null;
  const [x, y, w, h, alt, cursor, ckeys, keypad, mStd, mBtn, mAny, mSgr, history] = v;
  return {
    cursorX: x,
    cursorY: y,
    width: w,
    height: h,
    alternateScreen: alt === 1,
    cursorVisible: cursor === 1,
    applicationCursorKeys: ckeys === 1,
    applicationKeypad: keypad === 1,
    mouse: { standard: mStd === 1, button: mBtn === 1, any: mAny === 1, sgr: mSgr === 1 },
    historySize: history,
  };
}

/**
 * Bytes that rebuild the pane in a freshly reset xterm.js: the scrollback first (scrolled off the top, so it is
 * the terminal's own scrollback), then the screen row by row, then the cursor and the modes that change what
 * keys send (so arrow keys in vim or less work straight after a reload).
 *
 * capture-pane carries colours over from line to line, so lines are joined without resetting attributes.
 */
export function renderSnapshot(state: PaneState, history: Uint8Array[], screen: Uint8Array[]): Buffer {
  const parts: Buffer[] = [];
  const text = (s: string) => parts.push(Buffer.from(s));
  const historyLines = state.historySize > 0 ? history : [];
  historyLines.forEach((line, i) => {
    if (i > 0) text("\r\n");
    parts.push(Buffer.from(line));
  });
  if (historyLines.length) text(scrollOff(state.height));
  parts.push(renderScreen(state, screen));
  return Buffer.concat(parts);
}

/** Pushes everything on the screen up into the scrollback, then starts the screen clean. */
function scrollOff(height: number): string {
  return "\x1b[0m" + "\r\n".repeat(height) + "\x1b[H\x1b[2J";
}

/**
 * Bytes that bring a terminal that saw a stream tmux then skipped (pause-after) up to the pane as it is now: the
 * modes the skipped output may have set are undone, a line says output was skipped, and the screen is redrawn.
 */
export function renderCatchUp(state: PaneState, screen: Uint8Array[]): Buffer {
  const resetModes = "\x1b[?1049l\x1b[0m\x1b[?1l\x1b>\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l";
  const notice = "\r\n\x1b[2m[layerlab: output skipped while this terminal caught up]\x1b[0m";
  return Buffer.concat([Buffer.from(resetModes + notice + scrollOff(state.height)), renderScreen(state, screen)]);
}

/** The screen row by row, then the cursor and the modes that change what keys send. */
function renderScreen(state: PaneState, screen: Uint8Array[]): Buffer {
  const parts: Buffer[] = [];
  const text = (s: string) => parts.push(Buffer.from(s));
  if (state.alternateScreen) text("\x1b[?1049h\x1b[H\x1b[2J");
  screen.slice(0, state.height).forEach((line, row) => {
    text(`\x1b[${row + 1};1H`);
    parts.push(Buffer.from(line));
  });
  text("\x1b[0m");
  if (state.applicationCursorKeys) text("\x1b[?1h");
  if (state.applicationKeypad) text("\x1b=");
  if (state.mouse.standard) text("\x1b[?1000h");
  if (state.mouse.button) text("\x1b[?1002h");
  if (state.mouse.any) text("\x1b[?1003h");
  if (state.mouse.sgr) text("\x1b[?1006h");
  text(`\x1b[${state.cursorY + 1};${state.cursorX + 1}H`);
  text(state.cursorVisible ? "\x1b[?25h" : "\x1b[?25l");
  return Buffer.concat(parts);
}
