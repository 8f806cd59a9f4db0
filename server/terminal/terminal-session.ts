import "server-only";
import { randomBytes } from "node:crypto";
import * as pty from "node-pty";
import type { PtyCommand } from "@/server/sandbox/driver";
import { EngineFailureScanner } from "@/lib/engine-failures";
import { PromptTracker, ShellMarkScanner } from "@/lib/shell-integration";
import type { StreamPosition } from "@/lib/terminal-protocol";
import { ReplayBuffer } from "./replay-buffer";
import {
  continueCommand,
  ControlModeParser,
  PANE_ID_COMMAND,
  parsePaneState,
  pauseAfterCommand,
  pauseCommand,
  renderCatchUp,
  renderSnapshot,
  resizeCommand,
  screenCommands,
  sendKeysCommands,
  snapshotCommands,
  type ControlEvent,
} from "./tmux-control";

/** What a viewer gets at the moment it is attached; output that follows continues `stream` at `seq`. */
export interface AttachInfo {
  stream: string;
  seq: number;
  resumed: boolean;
  /** When not resumed: bytes that rebuild the screen and scrollback in a reset terminal. */
  restore: Uint8Array | null;
  /** When resumed: the output the viewer missed, from its `seq` on. */
  replay: Uint8Array[];
  /** The shell's size: that of the restore's screen when there is one (a read-only watcher draws at the learner's size). */
  size: { cols: number; rows: number };
}

/**
 * Why a viewer's attachment ended: the learner's shell exited; the lab let go (server shutting down, grace period
 * over); the attachment died by itself (the sandbox was stopped, e.g. idle, or tmux was killed); or the viewer was
 * displaced by newer tabs.
 */
export type DetachReason = "shell-exited" | "detached" | "lost" | "evicted";

/** A browser tab (or an instructor's read-only view) looking at the learner's terminal. */
export interface TerminalViewer {
  /** An instructor's read-only view: it neither counts toward the learner's tab limit nor is evicted by it. */
  readonly watcher?: boolean;
  start(info: AttachInfo): void;
  output(chunk: Uint8Array): void;
  end(reason: DetachReason): void;
  /** The shell was resized (by the learner's tab): a read-only watcher redraws at the new size. */
  resized?(size: { cols: number; rows: number }): void;
}

export interface SessionOptions {
  replayBytes: number;
  historyLines: number;
  maxViewers: number;
  attachTimeoutMs: number;
  /** Output tmux could not send for this long is skipped and the screen redrawn (tmux's pause-after). */
  pauseAfterSeconds: number;
}

type Reply = { ok: boolean; lines: Uint8Array[] };

/**
 * One line from the lab itself (not the shell), on a line of its own and marked as the lab's. Control characters
 * are dropped from the text: it must not be able to move the cursor or change the terminal's modes.
 */
export function labNotice(text: string): Buffer {
  return Buffer.from(`\r\n\x1b[1;33m[layerlab]\x1b[0m ${text.replace(/[\x00-\x1f\x7f]/g, " ")}\r\n`);
}

/** Output held while tmux has not yet named the pane (see TerminalSession.early). */
const EARLY_OUTPUT_MAX_BYTES = 64 * 1024;

/**
 * One learner's shell as the lab holds it: a tmux control-mode client (`podman exec -it … tmux -CC new-session
 * -A -s main`) on a node-pty. tmux keeps the shell in the sandbox; this object is only the lab's attachment to it,
 * so closing it (or the server dying) loses nothing the learner can see.
 *
 * One per learner, shared by all their tabs: every tab shows the same shell anyway (one tmux session), one
 * `podman exec` per learner instead of per tab keeps the host's process count down in a 200-person workshop, and
 * prompt marks are seen once, so checks run once per command rather than once per open tab.
 */
export class TerminalSession {
  readonly stream = randomBytes(12).toString("base64url");
  private readonly pty: pty.IPty;
  private readonly parser = new ControlModeParser();
  private readonly buffer: ReplayBuffer;
  private readonly marks = new ShellMarkScanner();
  private readonly prompts = new PromptTracker();
  private readonly engineFailures = new EngineFailureScanner();
  private readonly replies: ((reply: Reply) => void)[] = [];
  private readonly viewers = new Set<TerminalViewer>();
  private readonly attaching = new Set<TerminalViewer>();
  /** Lab lines held while a tab attaches: it starts from tmux's snapshot, which has none of them. */
  private readonly heldNotices: Uint8Array[] = [];
  private readonly pausedBy = new Set<TerminalViewer>();
  private ptyPaused = false;
  /** Output bytes since `since` (a window of about a second) and in the window before, to tell a flood from ordinary output. */
  private outputRate = { since: 0, bytes: 0, previous: 0 };
  private pane: string | null = null;
  /**
   * Output that came before tmux named the pane (its id is asked once the client is attached). Its bytes reach
   * viewers through the snapshot; its marks are read once the pane is known, so a shell's first prompt, often
   * printed in that moment, still counts as one (it is what runs a learner's first checks).
   */
  private early: { pane: string; data: Uint8Array }[] = [];
  private earlyBytes = 0;
  private size: { cols: number; rows: number };
  private sawExit: string | null = null;
  private closing = false;
  /** Sends the lab's first commands; called once, when tmux says this client is attached. */
  private whenAttached: (() => void) | null = null;
  private endedFlag = false;
  private readonly endListeners: (() => void)[] = [];
  /** Settles once tmux has told us which pane to show; fails if the attachment dies first. */
  readonly ready: Promise<void>;

  constructor(
    command: PtyCommand,
    initialSize: { cols: number; rows: number },
    private readonly options: SessionOptions,
    private readonly onPrompt: (exitCode: number | null) => void,
  ) {
    this.buffer = new ReplayBuffer(options.replayBytes);
    this.size = initialSize;
    this.pty = pty.spawn(command.file, command.args, {
      name: "xterm-256color",
      cols: initialSize.cols,
      rows: initialSize.rows,
      // No env: node-pty hands podman the lab process's own environment, which is what podman needs to find its storage.
      // Raw bytes: output goes to the browser as binary frames without a decode/encode round trip.
      encoding: null,
    });
    // node-pty's typings say string; with `encoding: null` it hands over Buffers.
    this.pty.onData((data) => this.onPtyData(data as unknown as Buffer));
    this.pty.onExit(() => this.onPtyExit());
    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("tmux did not answer in the sandbox")), options.attachTimeoutMs);
      this.onEnd(() => {
        clearTimeout(timer);
        reject(new Error("the terminal in the sandbox ended while starting"));
      });
      // Only once tmux has attached this client to the session (it says %session-changed): tmux may run commands
      // read from the client before its own attach, and then answers "no current client" to refresh-client and,
      // worse, sends none of the pane's output until the attach, so the echo of what the learner types first
      // (or a whole command's output) never reaches the tab although the snapshot said it was up to date.
      this.whenAttached = () => {
        this.write(pauseAfterCommand(options.pauseAfterSeconds), () => {});
        this.write(PANE_ID_COMMAND, (reply) => {
          clearTimeout(timer);
          const pane = reply.ok && reply.lines[0] ? Buffer.from(reply.lines[0]).toString("latin1").trim() : "";
          if (!/^%\d+$/.test(pane)) return reject(new Error(`tmux answered no pane (${pane || "nothing"})`));
          this.pane = pane;
          const early = this.early;
          this.early = [];
          for (const event of early) if (event.pane === pane) this.readMarks(event.data);
          resolve();
        });
        this.write(resizeCommand(initialSize.cols, initialSize.rows), () => {});
      };
    });
    // Nobody may be awaiting `ready` when it fails (the hub drops the session); the failure is handled there.
    this.ready.catch(() => {});
  }

  get ended(): boolean {
    return this.endedFlag;
  }

  get viewerCount(): number {
    return this.viewers.size + this.attaching.size;
  }

  /** Bytes of output this session holds for resuming viewers. */
  get heldBytes(): number {
    return this.buffer.heldBytes;
  }

  get paused(): boolean {
    return this.ptyPaused;
  }

  onEnd(listener: () => void): void {
    if (this.endedFlag) listener();
    else this.endListeners.push(listener);
  }

  /**
   * Adds a viewer: it resumes from where it was when the stream is the same and the buffer still holds that
   * point, otherwise it gets a snapshot taken in order with the output, so nothing is missed or doubled.
   */
  attach(viewer: TerminalViewer, request: { cols?: number; rows?: number; resumeFrom?: StreamPosition }): void {
    if (this.endedFlag) return viewer.end("detached");
    if (!viewer.watcher) this.evictOverflow();
    if (request.cols && request.rows) this.resize(request.cols, request.rows);
    const from = request.resumeFrom;
    const replay = from && from.stream === this.stream ? this.buffer.since(from.seq) : null;
    if (from && replay) {
      this.viewers.add(viewer);
      viewer.start({ stream: this.stream, seq: from.seq, resumed: true, restore: null, replay, size: this.size });
      return;
    }
    this.attaching.add(viewer);
    const commands = snapshotCommands(this.pane!, this.options.historyLines);
    const replies: Reply[] = [];
    commands.forEach((command, i) =>
      this.write(command, (reply) => {
        replies[i] = reply;
        if (i < commands.length - 1) return;
        // Runs while the parser is between events: output after this reply is newer than the snapshot.
        if (!this.attaching.delete(viewer)) return;
        const state = replies[0].ok ? parsePaneState(replies[0].lines[0]) : null;
        const restore = state ? renderSnapshot(state, replies[1].ok ? replies[1].lines : [], replies[2].ok ? replies[2].lines : []) : Buffer.alloc(0);
        this.viewers.add(viewer);
        // The size the screen was captured at, which a resize sent after the snapshot's commands does not change.
        const size = state ? { cols: state.width, rows: state.height } : this.size;
        viewer.start({ stream: this.stream, seq: this.buffer.end, resumed: false, restore, replay: [], size });
        if (!this.attaching.size) for (const notice of this.heldNotices.splice(0)) this.emit(notice);
      }),
    );
  }

  detach(viewer: TerminalViewer): void {
    this.viewers.delete(viewer);
    this.attaching.delete(viewer);
    this.setPaused(viewer, false);
  }

  input(data: Uint8Array): void {
    if (!this.pane || this.endedFlag) return;
    for (const command of sendKeysCommands(this.pane, data)) this.write(command, () => {});
    // A local terminal drops its pending output on Ctrl-C; in a flood, so does the lab: tmux drops what it still
    // holds for us, and the lab redraws the screen. tmux was seen draining such a backlog at
    // tens of KB/s, so without this the prompt could take minutes.
    if (data.includes(0x03) && this.flooding()) {
      const pane = this.pane;
      // tmux reports the %pause our own command causes inside the command's reply, not as a notification.
      this.write(pauseCommand(pane), (reply) => reply.ok && this.catchUp(pane));
    }
  }

  /** Whether output is pouring in: the pty is held back for a slow tab, or more than a screenful came lately. */
  private flooding(): boolean {
    const age = Date.now() - this.outputRate.since;
    const recent = age < 1000 ? this.outputRate.bytes + this.outputRate.previous : age < 2000 ? this.outputRate.bytes : 0;
    return this.ptyPaused || recent > 64 * 1024;
  }

  /** Last writer wins: with several tabs open, the one resized (or focused) most recently sets the size. */
  resize(cols: number, rows: number): void {
    if (cols === this.size.cols && rows === this.size.rows) return;
    this.size = { cols, rows };
    this.write(resizeCommand(cols, rows), () => {});
    for (const viewer of this.viewers) viewer.resized?.(this.size);
  }

  /** Flow control: the pty is paused while any viewer is behind, and resumes when none is. */
  setPaused(viewer: TerminalViewer, paused: boolean): void {
    if (paused && this.viewers.has(viewer)) this.pausedBy.add(viewer);
    else this.pausedBy.delete(viewer);
    const shouldPause = this.pausedBy.size > 0;
    if (shouldPause === this.ptyPaused || this.endedFlag) return;
    this.ptyPaused = shouldPause;
    if (shouldPause) this.pty.pause();
    else this.pty.resume();
  }

  /** A line from the lab itself (not the shell) for every viewer; kept in the replay like output, so a resuming tab gets it too. */
  notice(data: Uint8Array): void {
    if (this.endedFlag) return;
    if (this.attaching.size) this.heldNotices.push(data);
    else this.emit(data);
  }

  /** Detaches the lab from tmux; the shell keeps running in the sandbox. */
  close(): void {
    if (this.endedFlag || this.closing) return;
    this.closing = true;
    this.pty.resume();
    this.write(Buffer.from("detach-client\n"), () => {});
    // If tmux does not go in time (a wedged sandbox), hang up on it.
    setTimeout(() => {
      if (!this.endedFlag) this.pty.kill();
    }, 1000).unref();
  }

  private write(command: Buffer, onReply: (reply: Reply) => void): void {
    if (this.endedFlag) return onReply({ ok: false, lines: [] });
    this.replies.push(onReply);
    this.pty.write(command);
  }

  private onPtyData(data: Buffer): void {
    for (const event of this.parser.push(data)) this.onControlEvent(event);
  }

  /** The shell's marks in DATA: each return to a prompt is reported, with the exit code of the command before it. */
  private readMarks(data: Uint8Array): void {
    const prompts = this.prompts.take(this.marks.push(data));
    if (prompts.length) this.engineFailures.commandFinished();
    for (const prompt of prompts) this.onPrompt(prompt.exitCode);
  }

  private onControlEvent(event: ControlEvent): void {
    switch (event.type) {
      case "output": {
        if (this.pane === null) {
          // Bounded: a shell's start prints a few hundred bytes before tmux names the pane.
          if (this.earlyBytes < EARLY_OUTPUT_MAX_BYTES) {
            this.early.push(event);
            this.earlyBytes += event.data.length;
          }
          return;
        }
        if (event.pane !== this.pane) return;
        const failures = this.engineFailures.push(event.data);
        this.emit(event.data);
        // A known failure of Docker's engine (not the learner's doing) gets one line on what to do, right below it.
        for (const failure of failures) this.notice(labNotice(failure.advice));
        this.readMarks(event.data);
        return;
      }
      case "result":
        this.replies.shift()?.(event);
        return;
      case "exit":
        this.sawExit = event.reason;
        return;
      case "notification":
        if (event.name === "session-changed" && this.whenAttached) {
          const attached = this.whenAttached;
          this.whenAttached = null;
          attached();
        }
        if (event.name === "pause" && event.args === this.pane) this.catchUp(this.pane);
        return;
    }
  }

  private emit(data: Uint8Array): void {
    const now = Date.now();
    const age = now - this.outputRate.since;
    if (age > 1000) this.outputRate = { since: now, bytes: 0, previous: age < 2000 ? this.outputRate.bytes : 0 };
    this.outputRate.bytes += data.length;
    this.buffer.append(data);
    for (const viewer of this.viewers) viewer.output(data);
  }

  /**
   * tmux paused the pane for us (we were pause-after behind, or Ctrl-C in a flood asked it to) and dropped what
   * it held: continue the pane and redraw its screen, taken in order with the output, so what follows continues from it.
   */
  private catchUp(pane: string): void {
    this.write(continueCommand(pane), () => {});
    const replies: Reply[] = [];
    const commands = screenCommands(pane);
    commands.forEach((command, i) =>
      this.write(command, (reply) => {
        replies[i] = reply;
        if (i < commands.length - 1) return;
        const state = replies[0].ok ? parsePaneState(replies[0].lines[0]) : null;
        if (state) this.emit(renderCatchUp(state, replies[1].ok ? replies[1].lines : []));
      }),
    );
  }

  private onPtyExit(): void {
    if (this.endedFlag) return;
    this.endedFlag = true;
    for (const reply of this.replies.splice(0)) reply({ ok: false, lines: [] });
    // tmux says %exit when its session ended (the learner's shell exited) and "detached" when we let go; a
    // podman exec that just dies (sandbox stopped) says nothing.
    const reason: DetachReason = this.closing
      ? "detached"
      : this.sawExit !== null && !/detach/i.test(this.sawExit)
        ? "shell-exited"
        : "lost";
    const viewers = [...this.viewers, ...this.attaching];
    this.viewers.clear();
    this.attaching.clear();
    this.pausedBy.clear();
    for (const viewer of viewers) viewer.end(reason);
    for (const listener of this.endListeners.splice(0)) listener();
  }

  /** Makes room for one more of the learner's tabs by closing their oldest ones. */
  private evictOverflow(): void {
    const tabs = () => [...this.viewers, ...this.attaching].filter((v) => !v.watcher);
    for (let open = tabs(); open.length >= this.options.maxViewers; open = tabs()) {
      this.detach(open[0]);
      open[0].end("evicted");
    }
  }
}
