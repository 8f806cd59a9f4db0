"use client";

import { loader, type Monaco } from "@monaco-editor/react";
import type { editor } from "monaco-editor";
import type { DockerfileProblem } from "@/lib/dockerfile-diagnostics";

// Monaco comes from the lab itself (scripts/monaco-assets.sh copies it to public/monaco/vs): the default
// is a CDN, and labs run offline.
loader.config({ paths: { vs: "/monaco/vs" } });

export const THEME = "layerlab-dark";

/** Colours from app/globals.css, so the editor sits in the page rather than on it. */
export function defineLabTheme(monaco: Monaco): void {
  monaco.editor.defineTheme(THEME, {
    base: "vs-dark",
    inherit: true,
    // Comments and line numbers reach WCAG AA contrast (4.5:1) on the editor's background.
    rules: [{ token: "comment", foreground: "8b98a5", fontStyle: "italic" }],
    colors: {
      "editor.background": "#0f1419",
      "editor.foreground": "#d8dee6",
      "editorGutter.background": "#0f1419",
      "editor.lineHighlightBackground": "#161c23",
      "editor.lineHighlightBorder": "#00000000",
      "editorLineNumber.foreground": "#8b98a5",
      "editorLineNumber.activeForeground": "#d8dee6",
      "editorCursor.foreground": "#4fb3ff",
      "editor.selectionBackground": "#264f78",
      "editorWidget.background": "#161c23",
      "editorWidget.border": "#2a3540",
      "editorHoverWidget.background": "#161c23",
      "editorHoverWidget.border": "#2a3540",
      "editorError.foreground": "#f85149",
      "editorWarning.foreground": "#d29922",
      "scrollbarSlider.background": "#2a354080",
      "scrollbarSlider.hoverBackground": "#2a3540c0",
    },
  });
}

export const EDITOR_OPTIONS: editor.IStandaloneEditorConstructionOptions = {
  // The pane is resized by dragging; Monaco must follow its container.
  automaticLayout: true,
  minimap: { enabled: false },
  fontSize: 14,
  fontFamily: 'ui-monospace, "DejaVu Sans Mono", "Liberation Mono", monospace',
  scrollBeyondLastLine: false,
  renderWhitespace: "boundary",
  tabSize: 4,
  insertSpaces: true,
  fixedOverflowWidgets: true,
  padding: { top: 8 },
  // Linux's default, "dimmed", draws the last line's number below WCAG AA contrast.
  renderFinalNewline: "on",
};

let diagnostics: Promise<typeof import("@/lib/dockerfile-diagnostics")> | null = null;

/** Lints a Dockerfile model and shows the problems as squiggles; the linter loads on first use, in the browser. */
export async function markDockerfileProblems(monaco: Monaco, model: editor.ITextModel): Promise<void> {
  diagnostics ??= import("@/lib/dockerfile-diagnostics");
  const { dockerfileProblems } = await diagnostics;
  if (model.isDisposed()) return;
  const severity: Record<DockerfileProblem["severity"], number> = {
    error: monaco.MarkerSeverity.Error,
    warning: monaco.MarkerSeverity.Warning,
    info: monaco.MarkerSeverity.Info,
    hint: monaco.MarkerSeverity.Hint,
  };
  const markers: editor.IMarkerData[] = dockerfileProblems(model.getValue()).map((p) => ({
    severity: severity[p.severity],
    message: p.message,
    startLineNumber: p.startLineNumber,
    startColumn: p.startColumn,
    endLineNumber: p.endLineNumber,
    endColumn: p.endColumn,
    source: "dockerfile-utils",
    code: p.code ?? undefined,
  }));
  monaco.editor.setModelMarkers(model, "dockerfile-utils", markers);
}
