import "server-only";
import type { SandboxDriver } from "@/server/sandbox/driver";
import type { SandboxStatus, StreamPosition } from "@/lib/terminal-protocol";
import { labNotice, TerminalSession, type AttachInfo, type DetachReason, type SessionOptions, type TerminalViewer } from "./terminal-session";

/** The part of the sandbox manager the terminals use: the learner's own sandbox, found from their id only. */
export interface LearnerSandboxes {
  acquire(learnerId: string, onProgress?: (progress: SandboxStatus) => void): Promise<{ id: string }>;
  touch(learnerId: string): unknown;
  /**
   * Whether the lab means the learner's sandbox to be stopped now (they have been away: the idle reaper's doing).
   * A terminal that lost its sandbox then waits for the learner; otherwise (killed, restarted by the lab) it
   * reconnects by itself, and acquire() starts the same sandbox again. Without it, always waits.
   */
  isIdle?(learnerId: string): boolean;
}

/** The learner's shell came back to a prompt (OSC 133 A), after a command that exited with `exitCode`. */
export interface PromptEvent {
  learnerId: string;
  exitCode: number | null;
}

export interface TerminalHubOptions extends SessionOptions {
  /** How long the lab stays attached after the last tab closed, so a reload or a dropped link resumes losslessly. */
  graceMs: number;
  /** Sandbox activity is reported at most this often per learner. */
  touchEveryMs: number;
}

/**
 * How long after the lab's typed command (its `cd` into the exercise folder) reached the shell its prompt may still
 * come. Short: a marker that outlives its prompt (a line the shell did not run) would swallow the learner's own next
 * prompt, and with it the checks of their first try.
 */
const LAB_TYPED_FOR_MS = 1_500;
/** Longer than the lab takes to type (its exec's time limit): prompts are never held for longer than this. */
const LAB_TYPING_HOLD_MS = 15_000;

const DEFAULT_HUB_OPTIONS: TerminalHubOptions = {
  replayBytes: 1024 * 1024,
  // As many lines as the browser's own scrollback (components/terminal/Terminal.tsx): a tab that reconnects
  // after a server restart gets back every line it could have scrolled to (tmux itself keeps 50,000).
  historyLines: 10_000,
  maxViewers: 8,
  attachTimeoutMs: 30_000,
  // Longer than a healthy tab is ever behind (half a megabyte in flight), short enough that Ctrl-C in a flood
  // shows its prompt within seconds.
  pauseAfterSeconds: 5,
  graceMs: 10 * 60_000,
  touchEveryMs: 30_000,
};

/** The command in the sandbox: tmux in control mode on the learner's one session, created on first use. */
function tmuxCommand(size: { cols: number; rows: number }): string[] {
  return ["tmux", "-u", "-CC", "new-session", "-A", "-s", "main", "-x", String(size.cols), "-y", String(size.rows)];
}

interface LearnerTerminal {
  session: TerminalSession | null;
  starting: Promise<TerminalSession> | null;
  progress: Set<(progress: SandboxStatus) => void>;
  graceTimer: NodeJS.Timeout | null;
  lastTouch: number;
}

/**
 * Every learner's terminal in this server process. A learner is only ever attached to the sandbox the sandbox
 * manager gives for their id; nothing a browser sends names a sandbox.
 */
export class TerminalHub {
  private readonly learners = new Map<string, LearnerTerminal>();
  private readonly promptListeners = new Set<(event: PromptEvent) => void>();
  private readonly watchers = new Map<string, Set<TerminalViewer>>();
  /** Learners whose shell the lab is typing into (see labTypes): the prompts held meanwhile, then until when. */
  private readonly labTyping = new Map<string, { held: (number | null)[]; since: number; until?: number }>();
  private readonly options: TerminalHubOptions;
  private closed = false;

  constructor(
    private readonly deps: { driver: Pick<SandboxDriver, "ptyCommand">; sandboxes: LearnerSandboxes },
    options: Partial<TerminalHubOptions> = {},
  ) {
    this.options = { ...DEFAULT_HUB_OPTIONS, ...options };
  }

  /**
   * Attaches a viewer to the learner's shell, starting their sandbox and the attachment if needed (progress goes
   * to `onProgress`). The viewer's `start` is called once it is attached; use the returned session for input.
   */
  async attach(
    learnerId: string,
    viewer: TerminalViewer,
    request: { cols: number; rows: number; resumeFrom?: StreamPosition },
    onProgress: (progress: SandboxStatus) => void,
  ): Promise<TerminalSession> {
    const session = await this.open(learnerId, request, onProgress);
    const learner = this.learners.get(learnerId);
    if (learner?.graceTimer) {
      clearTimeout(learner.graceTimer);
      learner.graceTimer = null;
    }
    session.attach(viewer, request);
    return session;
  }

  detach(learnerId: string, session: TerminalSession, viewer: TerminalViewer): void {
    session.detach(viewer);
    const learner = this.learners.get(learnerId);
    if (!learner || learner.session !== session || session.viewerCount > 0 || learner.graceTimer) return;
    learner.graceTimer = setTimeout(() => {
      learner.graceTimer = null;
      if (session.viewerCount === 0) session.close();
    }, this.options.graceMs);
    learner.graceTimer.unref();
  }

  /** Tells the sandbox manager the learner is active (typing), at most every `touchEveryMs`. */
  touch(learnerId: string): void {
    const learner = this.learners.get(learnerId);
    const now = Date.now();
    if (!learner || now - learner.lastTouch < this.options.touchEveryMs) return;
    learner.lastTouch = now;
    Promise.resolve(this.deps.sandboxes.touch(learnerId)).catch(() => {});
  }

  /**
   * Writes one line from the lab (not the shell: e.g. why the sandbox was slowed down) into the learner's open tabs,
   * on a line of its own and marked as the lab's. False when no tab is attached.
   */
  notice(learnerId: string, text: string): boolean {
    const session = this.learners.get(learnerId)?.session;
    if (!session || session.ended) return false;
    session.notice(labNotice(text));
    return true;
  }

  /**
   * Detaches the lab from the learner's shell and resolves once it has let go (their sandbox is about to be
   * restarted or replaced). Open tabs are told "re-attaching" (1001), not "sandbox stopped", so they reconnect by
   * themselves, and their reconnection waits for whatever sandbox the learner has next.
   */
  async letGo(learnerId: string): Promise<void> {
    const session = this.learners.get(learnerId)?.session;
    if (!session || session.ended) return;
    const ended = new Promise<void>((resolve) => session.onEnd(resolve));
    session.close();
    await ended;
  }

  /** Whether a terminal whose sandbox went away under it waits for the learner (see LearnerSandboxes.isIdle). */
  waitsForLearner(learnerId: string): boolean {
    return this.deps.sandboxes.isIdle?.(learnerId) ?? true;
  }

  /** Called each time a learner's shell returns to a prompt; returns an unsubscribe function. */
  onPrompt(listener: (event: PromptEvent) => void): () => void {
    this.promptListeners.add(listener);
    return () => this.promptListeners.delete(listener);
  }

  /**
   * A read-only view of a learner's terminal (for instructors): the viewer gets a snapshot of the screen and
   * scrollback when an attachment starts (`start`), then the live output, and is told when one ends. It never
   * starts a sandbox. The viewer never sets the size and never pauses the learner's shell: the session sees no size in
   * its attach request and only the learner's tabs apply flow control.
   */
  watchWith(learnerId: string, viewer: TerminalViewer): () => void {
    let set = this.watchers.get(learnerId);
    if (!set) this.watchers.set(learnerId, (set = new Set()));
    set.add(viewer);
    const session = this.learners.get(learnerId)?.session;
    if (session && !session.ended) session.attach(viewer, {});
    return () => {
      set.delete(viewer);
      if (set.size === 0) this.watchers.delete(learnerId);
      const current = this.learners.get(learnerId)?.session;
      if (current) this.detach(learnerId, current, viewer);
    };
  }

  /** Whether the lab is attached to the learner's shell now (a watcher sees output only then). */
  isAttached(learnerId: string): boolean {
    const session = this.learners.get(learnerId)?.session;
    return !!session && !session.ended;
  }

  /** For tests, benchmarks and health: what the terminals hold in memory right now. */
  stats(): { sessions: number; viewers: number; heldBytes: number; paused: number } {
    let sessions = 0;
    let viewers = 0;
    let heldBytes = 0;
    let paused = 0;
    for (const { session } of this.learners.values()) {
      if (!session) continue;
      sessions++;
      viewers += session.viewerCount;
      heldBytes += session.heldBytes;
      if (session.paused) paused++;
    }
    return { sessions, viewers, heldBytes, paused };
  }

  /** Detaches from every learner's tmux (their shells keep running in the sandboxes) and refuses new attaches. */
  async closeAll(): Promise<void> {
    this.closed = true;
    const ending: Promise<void>[] = [];
    for (const learner of this.learners.values()) {
      if (learner.graceTimer) clearTimeout(learner.graceTimer);
      const session = learner.session;
      if (!session) continue;
      ending.push(new Promise((resolve) => session.onEnd(resolve)));
      session.close();
    }
    await Promise.all(ending);
  }

  private async open(
    learnerId: string,
    size: { cols: number; rows: number },
    onProgress: (progress: SandboxStatus) => void,
  ): Promise<TerminalSession> {
    if (this.closed) throw new Error("The lab server is shutting down; your terminal reconnects in a moment.");
    let learner = this.learners.get(learnerId);
    if (!learner) {
      learner = { session: null, starting: null, progress: new Set(), graceTimer: null, lastTouch: 0 };
      this.learners.set(learnerId, learner);
    }
    if (learner.session && !learner.session.ended) return learner.session;
    learner.progress.add(onProgress);
    try {
      learner.starting ??= this.start(learnerId, learner, size);
      return await learner.starting;
    } finally {
      learner.progress.delete(onProgress);
    }
  }

  /**
   * Attaches to the learner's tmux, starting a shell if there is none. Right after the learner's shell exited, tmux
   * is still going away and can take the attach, then end it or answer no pane; one more attach finds no tmux and
   * starts a new one.
   */
  private async attachShell(learnerId: string, sandboxId: string, size: { cols: number; rows: number }): Promise<TerminalSession> {
    const command = this.deps.driver.ptyCommand(sandboxId, tmuxCommand(size), { user: "learner", env: { LANG: "C.UTF-8" } });
    for (let attempt = 1; ; attempt++) {
      const session = new TerminalSession(command, size, this.options, (exitCode) => this.emitPrompt(learnerId, exitCode));
      try {
        await session.ready;
        return session;
      } catch (error) {
        session.close();
        const tmuxWentAway = error instanceof Error && /answered no pane|ended while starting/.test(error.message);
        if (attempt >= 2 || !tmuxWentAway) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  private async start(learnerId: string, learner: LearnerTerminal, size: { cols: number; rows: number }): Promise<TerminalSession> {
    const progress = (p: SandboxStatus) => {
      for (const listener of learner.progress) listener(p);
    };
    try {
      const sandbox = await this.deps.sandboxes.acquire(learnerId, progress);
      progress({ phase: "attaching", message: "Opening your shell…", percent: 95 });
      const session = await this.attachShell(learnerId, sandbox.id, size);
      learner.session = session;
      session.onEnd(() => {
        if (learner.session === session) learner.session = null;
        if (learner.graceTimer) clearTimeout(learner.graceTimer);
        learner.graceTimer = null;
        if (!learner.session && !learner.starting) this.learners.delete(learnerId);
      });
      for (const watcher of this.watchers.get(learnerId) ?? []) session.attach(watcher, {});
      return session;
    } finally {
      learner.starting = null;
    }
  }

  /**
   * The lab may now type a command of its own into the learner's shell (e.g. `cd` into the exercise's folder): the
   * prompt it brings back is not the learner's doing, so it is not announced (no checks run for it). Whether it typed
   * is known only afterwards (the learner may have typed first), so prompts are held until labTyped or
   * labTypedNothing says: a prompt of the learner's meanwhile (their first try) is announced, not swallowed.
   */
  labTypes(learnerId: string): void {
    // A second look while the first is still typing keeps what the first held.
    this.labTyping.set(learnerId, { held: this.labTyping.get(learnerId)?.held ?? [], since: Date.now() });
  }

  /**
   * The lab's command reached the shell: its prompt is the last one held, or else the next within a short while
   * (forgotten after that, so a line the shell did not run cannot swallow a later prompt of the learner's).
   */
  labTyped(learnerId: string): void {
    const typing = this.labTyping.get(learnerId);
    if (!typing) return;
    if (typing.held.length) {
      this.labTyping.delete(learnerId);
      for (const exitCode of typing.held.slice(0, -1)) this.announcePrompt(learnerId, exitCode);
    } else typing.until = Date.now() + LAB_TYPED_FOR_MS;
  }

  /** The command announced with labTypes did not reach the shell after all: the prompts held are the learner's. */
  labTypedNothing(learnerId: string): void {
    const typing = this.labTyping.get(learnerId);
    this.labTyping.delete(learnerId);
    for (const exitCode of typing?.held ?? []) this.announcePrompt(learnerId, exitCode);
  }

  private emitPrompt(learnerId: string, exitCode: number | null): void {
    const typing = this.labTyping.get(learnerId);
    if (typing) {
      if (typing.until === undefined && Date.now() - typing.since > LAB_TYPING_HOLD_MS) this.labTypedNothing(learnerId);
      else if (typing.until === undefined) {
        typing.held.push(exitCode);
        return;
      } else {
        this.labTyping.delete(learnerId);
        if (Date.now() <= typing.until) return;
      }
    }
    this.announcePrompt(learnerId, exitCode);
  }

  private announcePrompt(learnerId: string, exitCode: number | null): void {
    for (const listener of this.promptListeners) {
      try {
        listener({ learnerId, exitCode });
      } catch (error) {
        console.error("terminal prompt listener failed:", error);
      }
    }
  }
}
