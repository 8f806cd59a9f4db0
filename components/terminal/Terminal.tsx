"use client";

import "@xterm/xterm/css/xterm.css";
import type { SearchAddon } from "@xterm/addon-search";
import type { Terminal as XTerm } from "@xterm/xterm";
import { useCallback, useEffect, useImperativeHandle, useRef, useState } from "react";
import { TERMINAL_PATH, TERMINAL_WATCH_PATH } from "@/lib/terminal-protocol";
import styles from "./Terminal.module.css";
import { TerminalLink, type LinkState } from "./terminal-link";
import { terminalTheme } from "./terminal-theme";

export interface TerminalHandle {
  /** Types text into the shell as if the learner had (a trailing "\r" runs it). Kept until connected. */
  type(text: string): void;
  focus(): void;
}

interface TerminalProps {
  ref?: React.Ref<TerminalHandle>;
  /** Accessible name of the terminal region. */
  label?: string;
  /**
   * Watch a learner's terminal read-only instead (an instructor in their workshop): nothing typed here is sent,
   * and this view's size never changes the learner's terminal.
   */
  watch?: { workshopId: string; learnerId: string };
  /** Called each time the terminal is connected to the shell (again): the page's exercise moves the shell to its folder. */
  onReady?: () => void;
}

/** The terminal's screen-reader mode is remembered per browser, for every terminal of the lab. */
const SCREEN_READER_KEY = "layerlab.terminal.screenReaderMode";

const SEARCH_DECORATIONS = {
  matchBackground: "#3a4654",
  matchOverviewRuler: "#8b98a5",
  activeMatchBackground: "#d29922",
  activeMatchColorOverviewRuler: "#d29922",
};

/**
 * The learner's shell in their sandbox: xterm.js over the terminal WebSocket. It fills its parent (which must
 * give it a height, e.g. a flex column) and follows its size. Ctrl+Shift+F searches, Ctrl+Shift+C/V copy and
 * paste, selecting text copies it. Tab goes to the shell (completion); Ctrl+M toggles Tab moving focus instead, as
 * in VS Code and Monaco, so focus can always leave the terminal. Its bar offers both and xterm.js's screen-reader mode.
 */
export function Terminal({ ref, label = "Terminal", watch, onReady }: TerminalProps) {
  const host = useRef<HTMLDivElement>(null);
  const term = useRef<XTerm | null>(null);
  const search = useRef<SearchAddon | null>(null);
  const link = useRef<TerminalLink | null>(null);
  const pending = useRef<string[]>([]);
  const searchInput = useRef<HTMLInputElement>(null);
  const [state, setState] = useState<LinkState>({ kind: "connecting", message: "Loading the terminal…" });
  // Read by the link's callbacks, which live as long as the connection does.
  const onReadyRef = useRef(onReady);
  useEffect(() => {
    onReadyRef.current = onReady;
  }, [onReady]);
  const [searchOpen, setSearchOpen] = useState(false);
  const [query, setQuery] = useState("");
  const [results, setResults] = useState<{ index: number; count: number } | null>(null);
  // Until the shell has been shown once, a retry is shown as the start-up overlay, not as a banner over nothing.
  const [everReady, setEverReady] = useState(false);
  const [screenReader, setScreenReader] = useState(false);
  // Read by the key handler xterm.js holds, so a ref besides the state that draws the bar.
  const tabMovesFocusRef = useRef(false);
  const [tabMovesFocus, setTabMovesFocus] = useState(false);
  const path = watch
    ? `${TERMINAL_WATCH_PATH}?${new URLSearchParams({ workshop: watch.workshopId, learner: watch.learnerId })}`
    : TERMINAL_PATH;
  const readOnly = watch !== undefined;

  useImperativeHandle(
    ref,
    () => ({
      type(text: string) {
        if (link.current) link.current.input(text);
        else pending.current.push(text);
      },
      focus() {
        term.current?.focus();
      },
    }),
    [],
  );

  const toggleTabMovesFocus = useCallback(() => {
    tabMovesFocusRef.current = !tabMovesFocusRef.current;
    setTabMovesFocus(tabMovesFocusRef.current);
  }, []);

  // The stored choice is read after the first render (the server render has no localStorage).
  useEffect(() => {
    setScreenReader(localStorage.getItem(SCREEN_READER_KEY) === "on");
  }, []);
  useEffect(() => {
    if (term.current) term.current.options.screenReaderMode = screenReader;
  }, [screenReader]);

  function toggleScreenReader() {
    const next = !screenReader;
    localStorage.setItem(SCREEN_READER_KEY, next ? "on" : "off");
    setScreenReader(next);
  }

  const openSearch = useCallback(() => {
    setSearchOpen(true);
    // The input exists after this render.
    requestAnimationFrame(() => searchInput.current?.select());
  }, []);

  useEffect(() => {
    const container = host.current;
    if (!container) return;
    let disposed = false;
    const cleanups: (() => void)[] = [];

    void (async () => {
      // xterm.js needs the DOM; loading it here keeps it out of the server render.
      const [{ Terminal: XTermClass }, { FitAddon }, { WebLinksAddon }, { SearchAddon }, { ClipboardAddon }] = await Promise.all([
        import("@xterm/xterm"),
        import("@xterm/addon-fit"),
        import("@xterm/addon-web-links"),
        import("@xterm/addon-search"),
        import("@xterm/addon-clipboard"),
      ]);
      if (disposed) return;
      const xterm = new XTermClass({
        theme: terminalTheme,
        fontFamily: '"DejaVu Sans Mono", "Liberation Mono", ui-monospace, Menlo, Consolas, monospace',
        fontSize: 13,
        lineHeight: 1.15,
        cursorBlink: !readOnly,
        disableStdin: readOnly,
        scrollback: 10_000,
        // The search box's match highlighting uses decorations.
        allowProposedApi: true,
        macOptionIsMeta: true,
        screenReaderMode: localStorage.getItem(SCREEN_READER_KEY) === "on",
        // Whatever colours a program in the sandbox picks, text stays readable (WCAG AA).
        minimumContrastRatio: 4.5,
      });
      const fit = new FitAddon();
      const searchAddon = new SearchAddon();
      xterm.loadAddon(fit);
      xterm.loadAddon(new WebLinksAddon((_event, uri) => window.open(uri, "_blank", "noopener,noreferrer")));
      xterm.loadAddon(searchAddon);
      // OSC 52 from tmux/vim in the sandbox reaches the browser's clipboard.
      xterm.loadAddon(new ClipboardAddon());
      xterm.open(container);
      // A watcher draws at the learner's size (sent by the server) with the font shrunk to fit; a learner's own
      // terminal fits its pane and tells the server its size.
      let watchedSize: { cols: number; rows: number } | null = null;
      const fitWatched = () => {
        if (!watchedSize || container.clientWidth === 0) return;
        // Monospace cells are about 0.6 em wide and (at this line height) 1.4 em high.
        const byWidth = container.clientWidth / (watchedSize.cols * 0.61);
        const byHeight = container.clientHeight / (watchedSize.rows * 1.4);
        const fontSize = Math.max(6, Math.min(13, Math.floor(Math.min(byWidth, byHeight))));
        if (xterm.options.fontSize !== fontSize) xterm.options.fontSize = fontSize;
      };
      // While a snapshot is drawn at the size it was captured at, the pane's size waits (see `restoring` below).
      let restoring = false;
      const fitToPane = () => (readOnly ? fitWatched() : restoring ? undefined : fit.fit());
      const endRestore = () => {
        if (!restoring) return;
        restoring = false;
        fitToPane();
      };
      if (!readOnly) fit.fit();
      term.current = xterm;
      search.current = searchAddon;
      cleanups.push(() => xterm.dispose());
      searchAddon.onDidChangeResults((r) => setResults({ index: r.resultIndex, count: r.resultCount }));

      const copy = (text: string) => {
        if (text) void navigator.clipboard?.writeText(text).catch(() => {});
      };
      xterm.attachCustomKeyEventHandler((event) => {
        // Tab leaves the terminal, by the browser's own focus move, when it has nothing to do in the shell.
        const plainTab = event.key === "Tab" && !event.ctrlKey && !event.altKey && !event.metaKey;
        if (plainTab && (readOnly || tabMovesFocusRef.current)) return false;
        if (event.type === "keydown" && event.ctrlKey && !event.shiftKey && !event.altKey && event.key.toLowerCase() === "m") {
          toggleTabMovesFocus();
          event.preventDefault();
          return false;
        }
        if (event.type !== "keydown" || !event.ctrlKey || !event.shiftKey) return true;
        const key = event.key.toLowerCase();
        if (key === "c") copy(xterm.getSelection());
        else if (key === "v") void navigator.clipboard?.readText().then((text) => xterm.paste(text)).catch(() => {});
        else if (key === "f") openSearch();
        else return true;
        event.preventDefault();
        return false;
      });
      // Copy on selection, once the selection settles (it changes on every mouse move while dragging).
      let selectionTimer: ReturnType<typeof setTimeout> | undefined;
      xterm.onSelectionChange(() => {
        clearTimeout(selectionTimer);
        selectionTimer = setTimeout(() => {
          if (xterm.hasSelection()) copy(xterm.getSelection());
        }, 200);
      });
      cleanups.push(() => clearTimeout(selectionTimer));

      const scheme = window.location.protocol === "https:" ? "wss" : "ws";
      let current: LinkState = { kind: "connecting", message: "Connecting to your sandbox…" };
      const terminalLink = new TerminalLink(`${scheme}://${window.location.host}${path}`, { cols: xterm.cols, rows: xterm.rows }, {
        state: (next) => {
          const was = current.kind;
          current = next;
          // A connection lost mid-snapshot: no `restored` comes for it.
          if (next.kind !== "ready") endRestore();
          setState(next);
          if (next.kind === "ready") setEverReady(true);
          if (next.kind === "ready" && was !== "ready") onReadyRef.current?.();
        },
        reset: () => xterm.reset(),
        size: (size) => {
          if (!readOnly) return;
          watchedSize = size;
          xterm.resize(size.cols, size.rows);
          fitWatched();
        },
        // The learner's own terminal takes the snapshot's size for the snapshot, then fits its pane again (xterm.js
        // reflows the screen, and the link tells the shell the pane's size).
        restoring: (size) => {
          if (readOnly) return;
          restoring = true;
          xterm.resize(size.cols, size.rows);
        },
        // Writes are parsed in order: an empty one's callback runs once the snapshot is drawn.
        restored: () => xterm.write(new Uint8Array(0), endRestore),
        data: (bytes, written) => xterm.write(bytes, written),
        notice: (message) => console.warn(message),
      });
      link.current = terminalLink;
      cleanups.push(() => terminalLink.dispose());

      xterm.onData((data) => {
        if (readOnly) return;
        if (current.kind === "exited") {
          if (data === "\r") terminalLink.reconnect();
          return;
        }
        terminalLink.input(data);
      });
      // Mouse reports in some modes (vim with `set mouse=a`) arrive as binary strings.
      if (!readOnly) {
        xterm.onBinary((data) => terminalLink.input(Uint8Array.from(data, (c) => c.charCodeAt(0))));
        xterm.onResize((size) => terminalLink.resize(size));
        // The tab in use decides the shared shell's size.
        const onFocus = () => terminalLink.resize({ cols: xterm.cols, rows: xterm.rows }, true);
        xterm.textarea?.addEventListener("focus", onFocus);
        cleanups.push(() => xterm.textarea?.removeEventListener("focus", onFocus));
      }

      let frame = 0;
      const observer = new ResizeObserver(() => {
        cancelAnimationFrame(frame);
        frame = requestAnimationFrame(() => {
          // A hidden pane measures 0×0; fitting then would shrink the shell to nothing.
          if (container.clientWidth > 0 && container.clientHeight > 0) fitToPane();
        });
      });
      observer.observe(container);
      cleanups.push(() => {
        observer.disconnect();
        cancelAnimationFrame(frame);
      });

      // Coming back to the page (or online) while waiting to retry: retry now.
      const retryNow = () => {
        if (document.visibilityState === "visible" && terminalLink.waitingToRetry) terminalLink.reconnect();
      };
      document.addEventListener("visibilitychange", retryNow);
      window.addEventListener("online", retryNow);
      cleanups.push(() => {
        document.removeEventListener("visibilitychange", retryNow);
        window.removeEventListener("online", retryNow);
      });

      terminalLink.connect();
      for (const text of pending.current.splice(0)) terminalLink.input(text);
    })();

    return () => {
      disposed = true;
      for (const cleanup of cleanups.reverse()) cleanup();
      term.current = null;
      search.current = null;
      link.current = null;
    };
  }, [openSearch, toggleTabMovesFocus, path, readOnly]);

  function find(direction: "next" | "previous") {
    if (!search.current || !query) return;
    const options = { decorations: SEARCH_DECORATIONS };
    if (direction === "next") search.current.findNext(query, options);
    else search.current.findPrevious(query, options);
  }

  function closeSearch() {
    setSearchOpen(false);
    setResults(null);
    search.current?.clearDecorations();
    term.current?.focus();
  }

  const overlay = state.kind === "connecting" || state.kind === "exited" || state.kind === "evicted" || (state.kind === "reconnecting" && !everReady);
  return (
    <div className={styles.root} data-terminal-state={state.kind} data-read-only={readOnly || undefined} role="region" aria-label={label}>
      <div ref={host} className={styles.host} />

      {state.kind === "reconnecting" && everReady && (
        <div className={styles.banner} role="status">
          <span className={styles.spinner} aria-hidden /> {state.message}
        </div>
      )}

      {overlay && (
        <div
          className={styles.overlay}
          role="status"
          aria-live="polite"
          onClick={state.kind === "evicted" ? () => link.current?.reconnect() : undefined}
        >
          <div className={styles.card}>
            {(state.kind === "connecting" || state.kind === "reconnecting") && <span className={styles.spinner} aria-hidden />}
            <p className={styles.message}>{state.message}</p>
            {state.kind === "connecting" && state.percent !== undefined && (
              <div
                className={styles.progress}
                role="progressbar"
                aria-label="Starting your sandbox"
                aria-valuemin={0}
                aria-valuemax={100}
                aria-valuenow={Math.round(state.percent)}
              >
                <span style={{ width: `${state.percent}%` }} />
              </div>
            )}
            {state.kind === "evicted" && (
              <button className={styles.button} type="button" onClick={() => link.current?.reconnect()}>
                Use the terminal here
              </button>
            )}
          </div>
        </div>
      )}

      {searchOpen && (
        <form
          className={styles.search}
          role="search"
          onSubmit={(event) => {
            event.preventDefault();
            find("next");
          }}
        >
          <input
            ref={searchInput}
            className={styles.searchInput}
            aria-label="Search the terminal"
            placeholder="Search"
            value={query}
            onChange={(event) => {
              setQuery(event.target.value);
              if (event.target.value) search.current?.findNext(event.target.value, { incremental: true, decorations: SEARCH_DECORATIONS });
              else search.current?.clearDecorations();
            }}
            onKeyDown={(event) => {
              if (event.key === "Escape") closeSearch();
              else if (event.key === "Enter" && event.shiftKey) {
                event.preventDefault();
                find("previous");
              }
            }}
          />
          <span className={styles.count} aria-live="polite">
            {results && query ? (results.count ? `${results.index + 1}/${results.count}` : "none") : ""}
          </span>
          <button type="button" className={styles.iconButton} onClick={() => find("previous")} aria-label="Previous match">
            ↑
          </button>
          <button type="submit" className={styles.iconButton} aria-label="Next match">
            ↓
          </button>
          <button type="button" className={styles.iconButton} onClick={closeSearch} aria-label="Close search">
            ✕
          </button>
        </form>
      )}

      <div className={styles.bar} role="group" aria-label={`${label} options`}>
        {!readOnly && (
          <button type="button" className={styles.barButton} aria-pressed={tabMovesFocus} onClick={toggleTabMovesFocus} title="Off: Tab completes in the shell">
            Tab moves focus <kbd>Ctrl+M</kbd>
          </button>
        )}
        <button type="button" className={styles.barButton} aria-pressed={screenReader} onClick={toggleScreenReader}>
          Screen reader mode
        </button>
        {!searchOpen && (
          <button type="button" className={styles.barButton} onClick={openSearch}>
            Search <kbd>Ctrl+Shift+F</kbd>
          </button>
        )}
      </div>
    </div>
  );
}
