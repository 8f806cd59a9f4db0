import { validate } from "dockerfile-utils";

/** A problem dockerfile-utils finds in a Dockerfile, in the editor's terms (1-based lines and columns). */
export interface DockerfileProblem {
  severity: "error" | "warning" | "info" | "hint";
  message: string;
  startLineNumber: number;
  startColumn: number;
  endLineNumber: number;
  endColumn: number;
  code: string | null;
}

// LSP DiagnosticSeverity: 1 Error, 2 Warning, 3 Information, 4 Hint.
const SEVERITY = { 1: "error", 2: "warning", 3: "info", 4: "hint" } as const;

/** Lints a Dockerfile as the learner types; runs in the browser, so no round trip per keystroke. */
export function dockerfileProblems(text: string): DockerfileProblem[] {
  return validate(text).map((d) => ({
    severity: SEVERITY[d.severity ?? 1],
    message: typeof d.message === "string" ? d.message : d.message.value,
    startLineNumber: d.range.start.line + 1,
    startColumn: d.range.start.character + 1,
    endLineNumber: d.range.end.line + 1,
    // An empty range would draw no squiggle; stretch it over one character.
    endColumn: d.range.end.character + 1 + (d.range.start.line === d.range.end.line && d.range.start.character === d.range.end.character ? 1 : 0),
    code: d.code === undefined ? null : String(d.code),
  }));
}
