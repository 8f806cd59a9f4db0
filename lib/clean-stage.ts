import type { CheckSpec } from "@/lib/checks/check-spec";
import { normalizeImageName } from "@/lib/checks/image-config";
import type { LearnerContainer } from "@/lib/learner-containers";

/**
 * A clean stage: what other exercises left running in the learner's one sandbox that is in the way of the exercise
 * they open (a registry of chapter 08 holding port 5000 that a drill's app must publish), so the page can offer to
 * stop it in one click.
 */

/** What an exercise needs of the sandbox: the host ports it publishes and the images it builds and runs. */
export interface ExerciseNeeds {
  ports: number[];
  images: string[];
}

export interface InTheWay {
  container: LearnerContainer;
  /** Why, in the learner's words: "holds port 5000", "runs example/layers:fat from another exercise". */
  reasons: string[];
}

/** `-p 8080:8080`, `--publish 127.0.0.1:5443:5000`, `-p=5000:5000`: the host side of a published port. */
const PUBLISH = /(?:^|\s)(?:-p|--publish)[\s=]+["']?(?:[\d.]+:|\[[0-9a-f:]*\]:)?(\d{1,5}):\d{1,5}/g;
/** `-t example/hello:fat`, `--tag=drill/x`: an image the exercise builds. */
const TAG = /(?:^|\s)(?:-t|--tag)[\s=]+["']?([a-z0-9][a-z0-9._/:-]*)/g;
/** `localhost:5443`, `http://localhost:8080/`: a port of the sandbox the exercise talks to. */
const LOCAL_PORT = /\blocalhost:(\d{1,5})\b/g;

function checkNeeds(check: CheckSpec): ExerciseNeeds {
  const c = check as { kind: string; image?: string; tag?: string; hostPort?: number; port?: number; url?: string };
  const ports: number[] = [];
  if (c.kind === "container" && c.hostPort) ports.push(c.hostPort);
  // The check publishes on a free port of its own, but the goal asks the learner to run the app on this one.
  if (c.kind === "container-answers" && c.port) ports.push(c.port);
  if (c.kind === "http" && c.url) for (const m of c.url.matchAll(LOCAL_PORT)) ports.push(Number(m[1]));
  // A registry-manifest check's `tag` is a tag in a registry, not an image of the sandbox.
  const images = [c.image, c.kind === "build-succeeds" ? c.tag : undefined].filter((ref): ref is string => !!ref);
  return { ports, images };
}

/** The ports and images an exercise's texts (steps, hints, solutions, goal) and checks name. */
export function exerciseNeeds(texts: string[], checks: CheckSpec[]): ExerciseNeeds {
  const ports = new Set<number>();
  const images = new Set<string>();
  for (const text of texts) {
    for (const m of text.matchAll(PUBLISH)) ports.add(Number(m[1]));
    for (const m of text.matchAll(LOCAL_PORT)) ports.add(Number(m[1]));
    for (const m of text.matchAll(TAG)) images.add(normalizeImageName(m[1]));
  }
  for (const check of checks) {
    const needs = checkNeeds(check);
    needs.ports.forEach((p) => ports.add(p));
    needs.images.forEach((i) => images.add(normalizeImageName(i)));
  }
  return { ports: [...ports].filter((p) => p > 0 && p < 65536).sort((a, b) => a - b), images: [...images].sort() };
}

/**
 * The running containers in the way of an exercise: those holding a port it uses, and those started from another
 * exercise's image (`ofOtherExercise`, given a normalized reference). A container of the exercise's own images is its
 * own work, never in its way.
 */
export function inTheWay(containers: LearnerContainer[], needs: ExerciseNeeds, ofOtherExercise: (image: string) => boolean): InTheWay[] {
  const own = new Set(needs.images.map(normalizeImageName));
  const list: InTheWay[] = [];
  for (const container of containers) {
    const image = normalizeImageName(container.image);
    if (own.has(image)) continue;
    const reasons: string[] = [];
    const held = container.ports.filter((p) => needs.ports.includes(p));
    if (held.length) reasons.push(`holds port${held.length > 1 ? "s" : ""} ${held.join(", ")}, which this exercise uses`);
    if (ofOtherExercise(image)) reasons.push(`runs ${container.image} from another exercise`);
    if (reasons.length) list.push({ container, reasons });
  }
  return list;
}
