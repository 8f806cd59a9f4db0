import "server-only";

/** The seam between the lab and whatever runs sandboxes (podman here; docker or kubernetes elsewhere). */

export interface SandboxLimits {
  memoryMb: number;
  cpus: number;
  pids: number;
  diskMb: number;
}

export interface SandboxInfo {
  /** Driver-level id (the container name for podman). */
  id: string;
  createdAt: Date;
  running: boolean;
  /** Labels the lab put on it, so a restarted server can find its sandboxes again. */
  labels: Record<string, string>;
}

export interface ExecOptions {
  user?: "learner" | "root";
  stdin?: string | Buffer;
  timeoutMs?: number;
  env?: Record<string, string>;
  cwd?: string;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  timedOut: boolean;
}

/** The sandbox does not exist (any more) or is not running: the caller should find or make another. */
export class SandboxUnavailableError extends Error {
  constructor(
    readonly sandboxId: string,
    detail: string,
  ) {
    super(`sandbox ${sandboxId} is unavailable: ${detail}`);
  }
}

/** A command line that node-pty can spawn on the host to get an interactive process in the sandbox. */
export interface PtyCommand {
  file: string;
  args: string[];
}

export interface SandboxStats {
  memoryBytes: number;
  cpuPercent: number;
  pids: number;
}

export interface SandboxDriver {
  create(opts: { labels: Record<string, string>; limits: SandboxLimits }): Promise<SandboxInfo>;
  exec(id: string, command: string[], opts?: ExecOptions): Promise<ExecResult>;
  ptyCommand(id: string, command: string[], opts?: { user?: "learner" | "root"; env?: Record<string, string> }): PtyCommand;
  readFile(id: string, path: string): Promise<Buffer>;
  writeFile(id: string, path: string, data: string | Buffer): Promise<void>;
  stats(id: string): Promise<SandboxStats>;
  list(): Promise<SandboxInfo[]>;
  /** Stops a sandbox to free its memory while the learner is away; their home stays for start(). */
  stop(id: string): Promise<void>;
  /** Starts a stopped sandbox again (after stop(), or after the host rebooted), home intact. */
  start(id: string): Promise<void>;
  destroy(id: string): Promise<void>;
  /**
   * Makes a new container, started, for a sandbox whose container was removed while its home disk survives, on that
   * disk (files, Docker's images and build cache): same id. SandboxUnavailableError when the disk is gone too.
   */
  recreate?(id: string, opts: { labels: Record<string, string>; limits: SandboxLimits }): Promise<SandboxInfo>;
  /**
   * Removes what sandboxes that no longer exist left behind (their disks): after a crash between
   * making a disk and the container, or a container removed by hand. The disks of `keep` stay (learners'
   * sandboxes whose container is made again when they come back). Returns the ids cleaned up.
   */
  prune(keep?: readonly string[]): Promise<string[]>;
}
