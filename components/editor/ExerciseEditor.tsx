"use client";

import Editor, { type Monaco, type OnMount } from "@monaco-editor/react";
import type { editor } from "monaco-editor";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { languageForPath } from "@/lib/workspace/file-language";
import { isDirty } from "@/lib/workspace/tab-sync";
import { ChangeBanner } from "./ChangeBanner";
import { defineLabTheme, EDITOR_OPTIONS, markDockerfileProblems, THEME } from "./monaco-setup";
import { RecoveryNotice } from "./RecoveryNotice";
import { StartProgress } from "./StartProgress";
import { useExerciseStart } from "./useExerciseStart";
import { useExerciseFiles } from "./useExerciseFiles";

interface ExerciseEditorProps {
  /** Which exercise (a chapter's id, or `drill-<id>`): another one is a new set of tabs. */
  exerciseId: string;
  /** Absolute folder in the sandbox holding the exercise, e.g. /home/learner/ch01. */
  workdir: string;
  /** The exercise's files, relative to the workdir. */
  files: string[];
  /** The exercise's workspace routes (start, files): chapterApi(id) or drillApi(id). */
  api: string;
}

/** The exercise's files in tabs, saved into the learner's sandbox, and following changes made from the terminal. */
export function ExerciseEditor(props: ExerciseEditorProps) {
  // A new exercise is a new set of tabs and models, never the previous exercise's state.
  return <ExerciseTabs key={props.exerciseId} {...props} />;
}

/** The model URI of a file: its real place in the sandbox, so two exercises never share a model. */
function modelPath(workdir: string, path: string): string {
  return "file://" + `${workdir}/${path}`.split("/").map(encodeURIComponent).join("/");
}

const LINT_DELAY_MS = 250;

function ExerciseTabs({ workdir, files, api }: ExerciseEditorProps) {
  const { start, retry } = useExerciseStart(api);
  const ready = start.status === "ready";
  const sync = useExerciseFiles(api, files, ready);
  const [active, setActive] = useState(files[0]);
  // Monaco traps Tab (it indents); Ctrl+M, or the bar's button, lets Tab move focus out instead.
  const [tabMovesFocus, setTabMovesFocus] = useState(false);
  const monacoRef = useRef<Monaco | null>(null);
  const editorRef = useRef<editor.IStandaloneCodeEditor | null>(null);
  const applied = useRef(new Map<string, number>());
  const tab = sync.tabs[active];

  const pathOf = useCallback(
    (model: editor.ITextModel) => {
      const prefix = `${workdir}/`;
      return model.uri.path.startsWith(prefix) ? model.uri.path.slice(prefix.length) : null;
    },
    [workdir],
  );

  // Monaco's Ctrl+S command is registered once; it saves whichever tab is open by then.
  const saveActive = useRef(() => {});
  useEffect(() => {
    saveActive.current = () => void sync.save(active);
  });

  // Text replaced from outside the editor (first load, a change from the terminal, "load the new version")
  // goes into the file's model as one undoable edit.
  useEffect(() => {
    const monaco = monacoRef.current;
    for (const path of files) {
      const current = sync.tabs[path];
      if (applied.current.get(path) === current.revision) continue;
      const model = monaco?.editor.getModel(monaco.Uri.parse(modelPath(workdir, path)));
      if (!model) continue;
      applied.current.set(path, current.revision);
      if (model.getValue() === current.text) continue;
      model.pushStackElement();
      model.pushEditOperations([], [{ range: model.getFullModelRange(), text: current.text }], () => null);
      model.pushStackElement();
    }
  });

  // The models outlive the <Editor> (kept so each tab has its own undo history); they go with the exercise.
  // This component is keyed by exercise, so its files and workdir never change while it lives.
  const modelPaths = useRef(files.map((path) => modelPath(workdir, path)));
  useEffect(
    () => () => {
      const monaco = monacoRef.current;
      for (const uri of modelPaths.current) monaco?.editor.getModel(monaco.Uri.parse(uri))?.dispose();
    },
    [],
  );

  const { edit } = sync;
  const onMount: OnMount = (instance, monaco) => {
    editorRef.current = instance;
    monacoRef.current = monaco;
    instance.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS, () => saveActive.current());
    // Monaco's own Ctrl+M flips a hidden global; this one is the editor's option, and the bar shows it.
    instance.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyM, () => setTabMovesFocus((on) => !on));
    let lintTimer: ReturnType<typeof setTimeout> | undefined;
    const lint = () => {
      const model = instance.getModel();
      const path = model && pathOf(model);
      if (!model || !path || languageForPath(path) !== "dockerfile") return;
      clearTimeout(lintTimer);
      lintTimer = setTimeout(() => void markDockerfileProblems(monaco, model), LINT_DELAY_MS);
    };
    instance.onDidChangeModelContent(() => {
      const model = instance.getModel();
      const path = model && pathOf(model);
      if (model && path) edit(path, model.getValue());
      lint();
    });
    instance.onDidChangeModel(lint);
    lint();
  };

  function onTabKey(event: React.KeyboardEvent, index: number) {
    const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
    if (!step) return;
    event.preventDefault();
    const next = (index + step + files.length) % files.length;
    setActive(files[next]);
    document.getElementById(`lab-editor-tab-${next}`)?.focus();
  }

  // A new object makes the editor apply every option again, so only when one changes.
  const options = useMemo(
    () => ({
      ...EDITOR_OPTIONS,
      tabFocusMode: tabMovesFocus,
      ariaLabel: `${active}, editor. Ctrl+S saves into your sandbox; Ctrl+M switches Tab between indenting and moving focus.`,
    }),
    [active, tabMovesFocus],
  );

  const loaded = tab !== undefined && tab.base !== null;
  const saving = sync.saving.has(active);
  const status = sync.status?.path === active ? sync.status : null;

  return (
    <div
      className="lab-editor"
      role="region"
      aria-label="Editor"
      onKeyDown={(event) => {
        // Ctrl/Cmd+S anywhere in the editor pane (the tab bar too) saves, instead of the browser's "Save page".
        if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") {
          event.preventDefault();
          saveActive.current();
        }
      }}
    >
      <div className="lab-editor-bar">
        <div role="tablist" aria-label="Exercise files" className="lab-editor-tabs">
          {files.map((path, index) => {
            const t = sync.tabs[path];
            const dirty = isDirty(t);
            return (
              <button
                key={path}
                id={`lab-editor-tab-${index}`}
                type="button"
                role="tab"
                aria-selected={path === active}
                tabIndex={path === active ? 0 : -1}
                className="lab-editor-tab"
                data-dirty={dirty}
                title={`${workdir}/${path}${dirty ? " (unsaved)" : ""}`}
                onClick={() => setActive(path)}
                onKeyDown={(event) => onTabKey(event, index)}
              >
                {path}
                {dirty && (
                  <span className="lab-editor-dirty" role="img" aria-label="unsaved">
                    ●
                  </span>
                )}
                {sync.notices[path] && <span className="lab-editor-tab-warn" role="img" aria-label="cannot open">!</span>}
              </button>
            );
          })}
        </div>
        <button
          type="button"
          className="btn-ghost btn-small lab-editor-toggle"
          aria-pressed={tabMovesFocus}
          onClick={() => setTabMovesFocus(!tabMovesFocus)}
          title="Off: Tab indents in the editor"
        >
          Tab moves focus <kbd>Ctrl+M</kbd>
        </button>
        <span className="lab-editor-where" title="The exercise folder in your sandbox">
          {workdir.replace(/^\/home\/learner/, "~")}
        </span>
        <button
          type="button"
          className="btn btn-small"
          onClick={() => saveActive.current()}
          disabled={!ready || !loaded || saving}
          title="Save into your sandbox (Ctrl+S)"
        >
          {saving ? "Saving…" : "Save"}
        </button>
      </div>
      {sync.connection && (
        <div className="lab-editor-banner lab-editor-banner-bad" role="alert">
          <span>{sync.connection.message}</span>
          {sync.connection.sandboxDown && (
            <button type="button" className="btn btn-small" onClick={retry}>
              Start my sandbox again
            </button>
          )}
        </div>
      )}
      <RecoveryNotice />
      {tab && (
        <ChangeBanner
          tab={tab}
          // The banner (and the button just clicked) goes away: the learner carries on in the editor.
          onLoadIncoming={() => {
            sync.loadIncoming(active);
            editorRef.current?.focus();
          }}
          onKeepMine={() => {
            sync.keepMine(active);
            editorRef.current?.focus();
          }}
          onOverwrite={() => {
            void sync.overwrite(active);
            editorRef.current?.focus();
          }}
        />
      )}
      {loaded && sync.notices[active] && (
        <div className="lab-editor-banner" role="status">
          {sync.notices[active]}
        </div>
      )}
      <div className="lab-editor-body" role="tabpanel" aria-labelledby={`lab-editor-tab-${files.indexOf(active)}`}>
        {start.status !== "ready" ? (
          <StartProgress start={start} onRetry={retry} />
        ) : files.length === 0 ? (
          <div className="lab-editor-start">
            <p>This chapter has no files to edit; everything happens in the terminal.</p>
          </div>
        ) : !loaded ? (
          <div className="lab-editor-start" aria-live="polite">
            <p>{sync.notices[active] ?? `Opening ${active}…`}</p>
          </div>
        ) : (
          <Editor
            theme={THEME}
            path={modelPath(workdir, active)}
            defaultValue={tab.text}
            language={languageForPath(active)}
            keepCurrentModel
            options={options}
            beforeMount={defineLabTheme}
            onMount={onMount}
            loading={<div className="lab-editor-start">Loading the editor…</div>}
          />
        )}
      </div>
      <div className={`lab-editor-status ${status?.tone === "error" ? "lab-editor-status-bad" : ""}`} role="status" aria-live="polite">
        {status?.tone === "error" ? status.text : tab && isDirty(tab) ? "Unsaved changes: Ctrl+S saves them into your sandbox." : (status?.text ?? "")}
      </div>
    </div>
  );
}
