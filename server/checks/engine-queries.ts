import "server-only";
import type { CommandOutput } from "@/lib/checks/check-result";
import type { EngineAnswer } from "../sandbox/engine-socket";

/**
 * The docker commands checks ask that only read the engine's state, answered from the engine's API instead of the
 * CLI, in the CLI's shape (the judges in lib/checks read that shape): `docker image inspect` prints the API's
 * object in an array, `--format json` one object a line. A command not listed here returns null and runs as a
 * command.
 */

type Engine = (apiPath: string) => Promise<EngineAnswer>;

const ok = (stdout: string): CommandOutput => ({ stdout, stderr: "", exitCode: 0, timedOut: false });
const failed = (stderr: string): CommandOutput => ({ stdout: "", stderr, exitCode: 1, timedOut: false });

/** Image and container names in a path: escaped, but the slashes of a repository (the API's route takes them), a tag's ":" and a digest's "@" kept. */
const ref = (name: string) => encodeURIComponent(name).replace(/%2F/gi, "/").replace(/%3A/gi, ":").replace(/%40/gi, "@");

function message(answer: EngineAnswer): string {
  try {
    return (JSON.parse(answer.body.toString("utf8")) as { message?: string }).message ?? answer.body.toString("utf8").trim();
  } catch {
    return answer.body.toString("utf8").trim();
  }
}

/** The CLI prints the daemon's refusal this way; the judges look for "No such image" in it. */
const daemonError = (answer: EngineAnswer) => failed(`Error response from daemon: ${message(answer)}\n`);

async function getJson(engine: Engine, apiPath: string): Promise<{ answer: EngineAnswer; value?: unknown }> {
  const answer = await engine(apiPath);
  return answer.status === 200 ? { answer, value: JSON.parse(answer.body.toString("utf8")) } : { answer };
}

/** `docker ARGS` answered by the engine, or null when ARGS is not one of the reads listed here. */
export function engineQuery(args: string[]): ((engine: Engine) => Promise<CommandOutput>) | null {
  const key = args.slice(0, -1).join(" ");
  const last = args.at(-1) ?? "";
  if (args.length === 3 && key === "image inspect") return (e) => inspectImage(e, last, (v) => JSON.stringify([v], null, 4) + "\n");
  if (key === "image inspect --format {{.Id}}") return (e) => inspectImage(e, last, (v) => `${(v as { Id: string }).Id}\n`);
  if (key === "image history --no-trunc --human=false --format json") {
    return async (e) => {
      const { answer, value } = await getJson(e, `/images/${ref(last)}/history`);
      return value ? ok((value as unknown[]).map((entry) => JSON.stringify(entry)).join("\n") + "\n") : daemonError(answer);
    };
  }
  if (args.join(" ") === "image ls --format {{.Repository}}:{{.Tag}}") {
    return async (e) => {
      const { answer, value } = await getJson(e, "/images/json");
      if (!value) return daemonError(answer);
      const tags = (value as { RepoTags?: string[] | null }[]).flatMap((image) => (image.RepoTags?.length ? image.RepoTags : ["<none>:<none>"]));
      return ok(tags.map((t) => (t.includes(":") ? t : `${t}:<none>`)).join("\n") + "\n");
    };
  }
  if (key === "image ls --format json") {
    // Size in bytes, as the API gives it (the CLI prints the same number rounded); the judge reads either.
    return async (e) => {
      const { answer, value } = await getJson(e, `/images/json?filters=${encodeURIComponent(JSON.stringify({ reference: [last] }))}`);
      if (!value) return daemonError(answer);
      return ok((value as { Size: number; Id: string }[]).map((image) => JSON.stringify({ ID: image.Id, Size: image.Size })).join("\n") + "\n");
    };
  }
  if (args.join(" ") === "container ls -aq") {
    return async (e) => {
      const { answer, value } = await getJson(e, "/containers/json?all=1");
      if (!value) return daemonError(answer);
      return ok((value as { Id: string }[]).map((c) => `${c.Id.slice(0, 12)}\n`).join(""));
    };
  }
  if (key === "container inspect --format {{.State.Status}} {{.State.ExitCode}}") {
    return async (e) => {
      const { answer, value } = await getJson(e, `/containers/${ref(last)}/json`);
      const state = (value as { State?: { Status: string; ExitCode: number } } | undefined)?.State;
      return state ? ok(`${state.Status} ${state.ExitCode}\n`) : daemonError(answer);
    };
  }
  if (args.length >= 3 && args[0] === "container" && args[1] === "inspect" && !args[2].startsWith("-")) {
    // Each container asked at once; one that is gone fails alone, as in the CLI (the others are still printed).
    return async (e) => {
      const found = await Promise.all(args.slice(2).map((name) => getJson(e, `/containers/${ref(name)}/json`)));
      const missing = found.filter((f) => !f.value);
      return {
        stdout: JSON.stringify(found.flatMap((f) => (f.value ? [f.value] : [])), null, 4) + "\n",
        stderr: missing.map((f) => `Error response from daemon: ${message(f.answer)}\n`).join(""),
        exitCode: missing.length ? 1 : 0,
        timedOut: false,
      };
    };
  }
  return null;
}

async function inspectImage(engine: Engine, name: string, print: (value: unknown) => string): Promise<CommandOutput> {
  const { answer, value } = await getJson(engine, `/images/${ref(name)}/json`);
  return value ? ok(print(value)) : daemonError(answer);
}
