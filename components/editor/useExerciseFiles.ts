"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { useLearnerEvents } from "@/components/lab/useLearnerEvents";
import { emptyTab, expectedHash, isDirty, isNewToTab, tabReducer, type DiskVersion, type TabEvent, type TabSync } from "@/lib/workspace/tab-sync";
import { ApiError } from "@/components/api-client";
import { fetchFile, fetchFileList, saveFile, startExercise } from "./workspace-client";

/**
 * How often the editor asks whether the terminal changed a file. Each ask costs an exec in the sandbox,
 * so only a visible page asks, and a page nobody has typed or clicked in for a minute asks less often.
 */
const POLL_MS = 2000;
const IDLE_POLL_MS = 10_000;
const IDLE_AFTER_MS = 60_000;
const MAX_BACKOFF_MS = 30_000;

export interface SaveStatus {
  path: string;
  tone: "ok" | "error";
  text: string;
}

export interface ExerciseFiles {
  tabs: Record<string, TabSync>;
  /** Why a file cannot be shown (a symlink out of the folder, not text, too large), by path. */
  notices: Record<string, string>;
  saving: ReadonlySet<string>;
  status: SaveStatus | null;
  /** The sandbox or the server cannot be reached right now; polling continues and clears it. */
  connection: { message: string; sandboxDown: boolean } | null;
  edit(path: string, text: string): void;
  save(path: string): Promise<void>;
  loadIncoming(path: string): void;
  keepMine(path: string): void;
  /** "Keep mine" after a refused save, and save right away. */
  overwrite(path: string): Promise<void>;
}

/** The exercise's files as editor tabs, kept in step with the sandbox once `enabled` (the exercise has started). */
export function useExerciseFiles(api: string, paths: string[], enabled: boolean): ExerciseFiles {
  const [tabs, setTabs] = useState<Record<string, TabSync>>(() => Object.fromEntries(paths.map((p) => [p, emptyTab(p)])));
  const [notices, setNotices] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState<ReadonlySet<string>>(new Set());
  const [status, setStatus] = useState<SaveStatus | null>(null);
  const [connection, setConnection] = useState<ExerciseFiles["connection"]>(null);

  // The tabs live here; `tabs` is their copy for rendering. Async work (polls, saves) reads this ref, never a
  // stale render's copy, and every event goes through `apply`, so a save started in the same tick sees it.
  const tabsRef = useRef(tabs);
  const savingRef = useRef(new Set<string>());
  // Versions that could not be opened, and why, so the poll does not fetch them again until they change.
  const unreadable = useRef(new Map<string, { hash: string; reason: string }>());

  const apply = useCallback((path: string, event: TabEvent) => {
    const tab = tabsRef.current[path];
    if (!tab) return;
    const next = tabReducer(tab, event);
    if (next === tab) return;
    tabsRef.current = { ...tabsRef.current, [path]: next };
    setTabs(tabsRef.current);
  }, []);

  const setBusy = useCallback((path: string, busy: boolean) => {
    if (busy) savingRef.current.add(path);
    else savingRef.current.delete(path);
    setSaving(new Set(savingRef.current));
  }, []);

  const syncWithSandbox = useCallback(async () => {
    const list = await fetchFileList(api);
    const found: Record<string, string> = {};
    await Promise.all(
      list.files.map(async (entry) => {
        const tab = tabsRef.current[entry.path];
        if (!tab || savingRef.current.has(entry.path)) return;
        if (entry.kind === "refused") {
          found[entry.path] = `The editor does not open ${entry.path}: ${entry.reason}.`;
          return;
        }
        const hash = entry.kind === "file" ? entry.hash : null;
        const known = unreadable.current.get(entry.path);
        if (hash !== null && known?.hash === hash) {
          found[entry.path] = known.reason;
          return;
        }
        if (!isNewToTab(tab, hash)) return;
        let version: DiskVersion = { hash: null, text: "" };
        if (hash !== null) {
          try {
            const file = await fetchFile(api, entry.path);
            version = { hash: file.hash, text: file.content };
          } catch (error) {
            if (!(error instanceof ApiError) || error.status === 0 || error.status === 503) throw error;
            // Deleted between the listing and the read: the next poll sees it as absent.
            if (error.status === 404) return;
            unreadable.current.set(entry.path, { hash, reason: error.message });
            found[entry.path] = error.message;
            return;
          }
        }
        unreadable.current.delete(entry.path);
        if (!savingRef.current.has(entry.path)) apply(entry.path, { type: "disk-changed", version });
      }),
    );
    setNotices((prev) => (sameRecord(prev, found) ? prev : found));
  }, [apply, api]);

  /**
   * The learner's sandbox is being restarted or replaced (by them or their instructor): polling pauses, so the
   * moments without a sandbox or without the files are not taken for files deleted from the terminal.
   */
  const sandboxBusy = useRef(false);
  /** Polls now (set by the polling effect while it runs). */
  const pollNow = useRef(() => {});

  /**
   * After a fresh sandbox: the exercise's starting files are put in (the start route, which never overwrites),
   * then every tab takes the sandbox's version quietly, as a first load does. A tab holding unsaved edits keeps
   * them and offers the new version in its banner instead: nothing typed is lost without a click.
   */
  const reloadFresh = useCallback(async () => {
    const failures: string[] = [];
    await startExercise(
      api,
      (event) => {
        if ("error" in event) failures.push(event.error);
      },
      new AbortController().signal,
    );
    if (failures.length) throw new ApiError(503, "unavailable", failures[0]);
    const list = await fetchFileList(api);
    unreadable.current.clear();
    // "Saved … at" spoke of the sandbox that is gone.
    setStatus(null);
    await Promise.all(
      list.files.map(async (entry) => {
        const tab = tabsRef.current[entry.path];
        if (!tab || entry.kind !== "file") return;
        const file = await fetchFile(api, entry.path);
        const version = { hash: file.hash, text: file.content };
        const edited = tab.base !== null && tab.text !== tab.base.text;
        apply(entry.path, edited ? { type: "disk-changed", version } : { type: "loaded", version });
      }),
    );
  }, [api, apply]);

  useLearnerEvents((event) => {
    if (event.type !== "sandbox" || !enabled) return;
    if (event.change === "restarting" || event.change === "replacing") {
      sandboxBusy.current = true;
      return;
    }
    if (event.change !== "replaced") {
      sandboxBusy.current = false;
      pollNow.current();
      return;
    }
    reloadFresh()
      .then(() => setConnection(null))
      .catch((error: Error) => setConnection({ message: error.message, sandboxDown: error instanceof ApiError && error.status === 503 }))
      .finally(() => {
        sandboxBusy.current = false;
        pollNow.current();
      });
  });

  useEffect(() => {
    if (!enabled) return;
    let stopped = false;
    let running = false;
    let failures = 0;
    let lastActivity = Date.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let scheduledFor = 0;

    const nextDelay = () => {
      if (failures > 0) return Math.min(POLL_MS * 2 ** failures, MAX_BACKOFF_MS);
      return Date.now() - lastActivity > IDLE_AFTER_MS ? IDLE_POLL_MS : POLL_MS;
    };
    const schedule = (delay: number) => {
      clearTimeout(timer);
      scheduledFor = Date.now() + delay;
      timer = setTimeout(tick, delay);
    };

    async function tick() {
      if (stopped || running) return;
      // A hidden page does not poll: nobody is looking, and a room full of background tabs costs nothing.
      if (document.visibilityState === "visible" && !sandboxBusy.current) {
        running = true;
        try {
          await syncWithSandbox();
          setConnection(null);
          failures = 0;
        } catch (error) {
          setConnection({ message: (error as Error).message, sandboxDown: error instanceof ApiError && error.status === 503 });
          failures += 1;
        } finally {
          running = false;
        }
      }
      if (!stopped) schedule(nextDelay());
    }
    const onVisible = () => {
      if (document.visibilityState === "visible") void tick();
    };
    // Typing in the terminal is what changes files: after a quiet spell, the first key brings the fast pace back.
    const onActivity = () => {
      lastActivity = Date.now();
      if (failures === 0 && !running && scheduledFor - Date.now() > POLL_MS) schedule(POLL_MS);
    };
    pollNow.current = () => void tick();
    void tick();
    document.addEventListener("visibilitychange", onVisible);
    window.addEventListener("focus", onVisible);
    document.addEventListener("keydown", onActivity, true);
    document.addEventListener("pointerdown", onActivity, true);
    return () => {
      stopped = true;
      clearTimeout(timer);
      pollNow.current = () => {};
      document.removeEventListener("visibilitychange", onVisible);
      window.removeEventListener("focus", onVisible);
      document.removeEventListener("keydown", onActivity, true);
      document.removeEventListener("pointerdown", onActivity, true);
    };
  }, [enabled, syncWithSandbox]);

  // Leaving the page with unsaved edits asks first.
  useEffect(() => {
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (Object.values(tabsRef.current).some(isDirty)) event.preventDefault();
    };
    window.addEventListener("beforeunload", onBeforeUnload);
    return () => window.removeEventListener("beforeunload", onBeforeUnload);
  }, []);

  const saveTab = useCallback(
    async (path: string, tab: TabSync) => {
      if (!tab.base || savingRef.current.has(path)) return;
      if (!isDirty(tab)) {
        setStatus({ path, tone: "ok", text: `${path}: no changes to save.` });
        return;
      }
      setBusy(path, true);
      const text = tab.text;
      try {
        const outcome = await saveFile(api, path, { content: text, baseHash: expectedHash(tab) });
        if ("saved" in outcome) {
          apply(path, { type: "saved", version: { hash: outcome.saved.hash, text } });
          setStatus({ path, tone: "ok", text: `Saved ${path} at ${new Date().toLocaleTimeString()}.` });
        } else {
          const { currentHash } = outcome.refused;
          const current = currentHash === null ? null : await fetchFile(api, path);
          apply(path, { type: "save-refused", version: current ? { hash: current.hash, text: current.content } : { hash: null, text: "" } });
          // The banner says it and offers the choices; the status line need not repeat it.
          setStatus(null);
        }
      } catch (error) {
        setStatus({ path, tone: "error", text: `Not saved: ${(error as Error).message}` });
      } finally {
        setBusy(path, false);
      }
    },
    [apply, api, setBusy],
  );

  const save = useCallback(async (path: string) => {
    const tab = tabsRef.current[path];
    if (tab) await saveTab(path, tab);
  }, [saveTab]);

  const edit = useCallback((path: string, text: string) => apply(path, { type: "edited", text }), [apply]);
  // A decision about the banner answers whatever the status line said about that file.
  const decide = useCallback(
    (path: string, event: TabEvent) => {
      apply(path, event);
      setStatus((prev) => (prev?.path === path ? null : prev));
    },
    [apply],
  );
  const loadIncoming = useCallback((path: string) => decide(path, { type: "load-incoming" }), [decide]);
  const keepMine = useCallback((path: string) => decide(path, { type: "keep-mine" }), [decide]);
  const overwrite = useCallback(
    async (path: string) => {
      decide(path, { type: "keep-mine" });
      await save(path);
    },
    [decide, save],
  );

  return { tabs, notices, saving, status, connection, edit, save, loadIncoming, keepMine, overwrite };
}

function sameRecord(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}
