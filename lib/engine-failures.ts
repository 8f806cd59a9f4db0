/**
 * Failures of the learner's Docker engine itself (not of their Dockerfile), recognised in what a build or a
 * command printed, with one line on what to do. The sandbox's configuration avoids the known ones where it can
 * (see scripts/images/sandbox/rootfs/usr/local/bin/containerd); this is for what still gets through.
 */
export interface EngineFailure {
  id: string;
  advice: string;
}

const KNOWN: { id: string; pattern: RegExp; advice: string }[] = [
  {
    // moby/buildkit#6521: a garbage collection removed a layer while the build unpacked its image.
    id: "unpack-race",
    pattern: /failed to prepare extraction snapshot[^\n]*parent snapshot[^\n]*does not exist/,
    advice:
      "That build failure is a known race in Docker's engine (a cleanup removed a layer while the image was unpacked), not your Dockerfile: run the same build again.",
  },
  {
    // A docker-container builder (chapter 11) boots from moby/buildkit, which Debian cannot make and the offline lab cannot pull.
    id: "buildkit-image-offline",
    pattern: /failed to resolve reference "(docker\.io\/)?moby\/buildkit[:@"]/,
    advice:
      "There is no moby/buildkit image in this offline lab, so a docker-container builder cannot start here, and nothing is wrong with your Dockerfile: `docker buildx use default` sends your builds back to your engine's own BuildKit.",
  },
];

/** The first known engine failure in a text, or null. */
export function recogniseEngineFailure(text: string): EngineFailure | null {
  for (const known of KNOWN) if (known.pattern.test(text)) return { id: known.id, advice: known.advice };
  return null;
}

// Colours and other escape sequences a terminal may put inside the error line.
const ESCAPES = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\r/g;
/** Longest error line worth matching; the carried tail never grows past it. */
const TAIL_CHARS = 2048;

/**
 * Finds known engine failures in a terminal's output, which arrives in chunks that may split a line anywhere.
 * Each failure is reported once per command: `commandFinished()` (the shell's prompt came back) re-arms it.
 */
export class EngineFailureScanner {
  private tail = "";
  private readonly reported = new Set<string>();
  // Streaming, so a character split between two chunks is decoded whole.
  private readonly decoder = new TextDecoder("utf-8");

  push(chunk: Uint8Array): EngineFailure[] {
    const text = this.tail + this.decoder.decode(chunk, { stream: true }).replace(ESCAPES, "");
    const cut = text.lastIndexOf("\n");
    // Whole lines are judged now; the unfinished last line waits for its end (bounded).
    const complete = cut >= 0 ? text.slice(0, cut + 1) : "";
    this.tail = (cut >= 0 ? text.slice(cut + 1) : text).slice(-TAIL_CHARS);
    const found: EngineFailure[] = [];
    for (const line of complete.split("\n")) {
      const failure = recogniseEngineFailure(line);
      if (failure && !this.reported.has(failure.id)) {
        this.reported.add(failure.id);
        found.push(failure);
      }
    }
    return found;
  }

  commandFinished(): void {
    this.reported.clear();
    this.tail = "";
  }
}
