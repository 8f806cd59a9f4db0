import "server-only";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { runHostCommand, type HostCommandResult } from "@/server/sandbox/host-command";

/** What an operator runs when the lab cannot bring its registry back: set-up recreates the container on its volume. */
export const RECREATE_REGISTRY = "bash scripts/images/build-all.sh registry";
/** Each podman command is killed after this long. */
const PODMAN_TIMEOUT_MS = 30_000;
/** Where rootful podman 4 (default tmp_dir /run/libpod) has conmon write a container's exit code. */
const PODMAN_EXITS_DIR = "/run/libpod/exits";

interface ContainerState {
  id: string;
  status: string;
  pid: number;
  conmonPid: number;
}

function podman(args: string[]): Promise<HostCommandResult> {
  return runHostCommand("podman", args, { killAfterMs: PODMAN_TIMEOUT_MS });
}

/** What to run, then what podman said: its own error line (its stderr may open with log lines such as `level=error msg="container not running"`). */
function failed(what: string, result: HostCommandResult): Error {
  const lines = result.stderr.split("\n").map((l) => l.trim()).filter(Boolean);
  const line = (lines.find((l) => l.startsWith("Error: ")) ?? lines.at(-1) ?? `exit code ${result.exitCode}`).replace(/^Error: /, "");
  // What to run comes first: the health message keeps only the start of a long podman error.
  return new Error(`run: ${RECREATE_REGISTRY} (${what} ${result.killed ? `was killed after ${PODMAN_TIMEOUT_MS / 1000} s` : `said: ${line}`})`);
}

async function inspect(container: string): Promise<ContainerState> {
  const result = await podman(["container", "inspect", "--format", "{{.Id}} {{.State.Status}} {{.State.Pid}} {{.State.ConmonPid}}", container]);
  if (result.exitCode !== 0) throw new Error(`no container ${container}; run: ${RECREATE_REGISTRY}`);
  const [id = "", status = "", pid = "0", conmonPid = "0"] = result.stdout.toString("utf8").trim().split(" ");
  return { id, status, pid: Number(pid), conmonPid: Number(conmonPid) };
}

/** A process that has exited (a zombie too) or never was. */
async function gone(pid: number): Promise<boolean> {
  if (!(pid > 0)) return true;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) === "Z";
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return true;
    throw error;
  }
}

/**
 * Podman says the container runs (or, after a failed stop or restart, is "stopping") while its process and its
 * conmon are both gone: killed together, e.g. by a harness that kills every process it started.
 */
async function orphaned(state: ContainerState): Promise<boolean> {
  return (state.status === "running" || state.status === "stopping") && (await gone(state.pid)) && (await gone(state.conmonPid));
}

/**
 * Writes the exit record conmon writes when a container's process ends, had conmon not been killed with it.
 * Without it podman 4.3 keeps such a container "running": `podman restart` and `podman stop` wait for this file in
 * vain and, depending on timing, leave the container stopped or "stopping", and no podman command leaves
 * "stopping" (start, restart and kill refuse it; stop and container cleanup keep it). With the record,
 * podman sees the container exited (137: killed) and `podman start` works.
 */
async function recordExit(id: string): Promise<void> {
  if (!/^[0-9a-f]{64}$/.test(id)) throw new Error(`podman gave an unexpected container id ${JSON.stringify(id)}`);
  // "wx": a record conmon did write is kept.
  await writeFile(path.join(PODMAN_EXITS_DIR, id), "137", { flag: "wx" }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "EEXIST") throw new Error(`cannot record the exit of ${id.slice(0, 12)} in ${PODMAN_EXITS_DIR}: ${error.message}; run: ${RECREATE_REGISTRY}`);
  });
}

/**
 * Brings the lab registry's container back in one go and says how, for the health report. As
 * scripts/images/build-all.sh keeps it: a stopped container is started, a paused one unpaused, one running
 * without answering (hung) restarted; one whose processes are gone though podman says it runs (or left it
 * "stopping") has its exit recorded and is cleaned up, as conmon would have done, then started. The lab cannot
 * recreate the container (its creation arguments live in build-all.sh): when nothing here works, the error says
 * what to run.
 */
export async function repairRegistryContainer(container: string, now: () => Date = () => new Date()): Promise<string> {
  let state = await inspect(container);
  const was = state.status;
  const done = (verb: string, note = "") => {
    console.error(`layerlab health: the lab registry did not answer; ${verb} container ${container} (was ${was}${note ? `; ${note}` : ""})`);
    return `${verb} by the lab at ${now().toISOString().slice(11, 19)} UTC${note ? `; ${note}` : ""}`;
  };
  if (state.status === "paused") {
    const result = await podman(["unpause", container]);
    if (result.exitCode !== 0) throw failed("podman unpause", result);
    return done("unpaused");
  }
  if (state.status === "running" && !(await orphaned(state))) {
    const restart = await podman(["restart", "-t", "2", container]);
    if (restart.exitCode === 0) return done("restarted");
    // Its processes may have died meanwhile, and a failed restart leaves it stopped or "stopping": go on from there.
    state = await inspect(container);
    if (state.status === "running" && !(await orphaned(state))) throw failed("podman restart", restart);
  }
  let note = "";
  if (await orphaned(state)) {
    await recordExit(state.id);
    // What conmon's exit command would have run: the container's network and mounts are released. A stop killed
    // during its own clean-up (the "stopping" case) may have torn the network down without recording it, and a
    // start would then run the registry in that dead namespace, unreachable. (podman logs the half-gone network
    // as an error and still clears it; with restart=always it may start the container here, and the start below
    // finds it running.)
    const cleanup = await podman(["container", "cleanup", container]);
    if (cleanup.exitCode !== 0) throw failed("podman container cleanup", cleanup);
    note = "its processes had been killed without podman noticing";
  }
  const result = await podman(["start", container]);
  if (result.exitCode !== 0) throw failed("podman start", result);
  return done("started", note);
}
