import { z } from "zod";

/** A container running in the learner's sandbox, as ▶ Run offers it for a placeholder and the page lists it. */
export interface LearnerContainer {
  /** Docker's short id, as `docker container ls` prints it. */
  id: string;
  name: string;
  image: string;
  status: string;
  /** Host ports it publishes in the sandbox (5000 for `-p 5000:5000`). */
  ports: number[];
}

/** One line of `docker container ls --format '{{json .}}'`; Docker prints more fields, which are ignored. */
const lineSchema = z.object({
  ID: z.string().regex(/^[0-9a-f]{12,64}$/),
  Names: z.string().max(1000),
  Image: z.string().max(1000),
  Status: z.string().max(200),
  Ports: z.string().max(4000).default(""),
});

/** The command that lists them, run as the learner (their Docker). */
export const LIST_CONTAINERS_COMMAND = ["docker", "container", "ls", "--format", "{{json .}}"];

/** `0.0.0.0:5000->5000/tcp, :::5000->5000/tcp, 8080/tcp` → [5000]: only published ports hold a port of the sandbox. */
export function publishedPorts(ports: string): number[] {
  const found = new Set<number>();
  for (const m of ports.matchAll(/:(\d{1,5})(?:-(\d{1,5}))?->/g)) {
    const from = Number(m[1]);
    const to = m[2] ? Number(m[2]) : from;
    for (let p = from; p <= to && p - from < 100; p++) found.add(p);
  }
  return [...found].sort((a, b) => a - b);
}

/** Docker's lines, read strictly: a line that is not a container (a warning, a cut line) is skipped. */
export function parseContainerList(stdout: string): LearnerContainer[] {
  const list: LearnerContainer[] = [];
  for (const line of stdout.split("\n")) {
    if (!line.trim()) continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      continue;
    }
    const parsed = lineSchema.safeParse(json);
    if (!parsed.success) continue;
    const c = parsed.data;
    list.push({ id: c.ID.slice(0, 12), name: c.Names.split(",")[0], image: c.Image, status: c.Status, ports: publishedPorts(c.Ports) });
  }
  return list;
}

/** The image part of a reference without the default tag: `example/hello:latest` and `example/hello` are one. */
function sameImage(a: string, b: string): boolean {
  const norm = (ref: string) => (/:[^/]+$/.test(ref) ? ref : `${ref}:latest`);
  return norm(a) === norm(b);
}

/**
 * The containers in the order ▶ Run offers them for a container placeholder: first those running an image the
 * step's text names (the one the learner is asked to stop), then the others, newest first as Docker lists them.
 */
export function rankForStep(containers: LearnerContainer[], stepText: string): LearnerContainer[] {
  const named = (c: LearnerContainer) => [...stepText.matchAll(/[a-z0-9][a-z0-9._/-]*(?::[\w.-]+)?/g)].some((m) => sameImage(m[0], c.image));
  return [...containers.filter(named), ...containers.filter((c) => !named(c))];
}
