"use client";

import ReactMarkdown from "react-markdown";
import remarkGfm from "remark-gfm";
import { useMemo, useState } from "react";
import type { Components } from "react-markdown";
import { findPlaceholders } from "@/lib/step-commands";
import { PlaceholderForm } from "./PlaceholderForm";
import styles from "./StepText.module.css";

function textOf(node: React.ReactNode): string {
  if (typeof node === "string" || typeof node === "number") return String(node);
  if (Array.isArray(node)) return node.map(textOf).join("");
  if (node && typeof node === "object" && "props" in node) {
    return textOf((node as { props: { children?: React.ReactNode } }).props.children);
  }
  return "";
}

function CodeBlock({ children, onRun, stepText }: { children: React.ReactNode; onRun: (command: string) => void; stepText: string }) {
  const [copied, setCopied] = useState(false);
  const [filling, setFilling] = useState(false);
  const text = textOf(children).replace(/\n$/, "");
  const className = String((children as { props?: { className?: string } } | undefined)?.props?.className ?? "");
  const isShell = /language-(console|shell|sh|bash)/.test(className);
  const placeholders = useMemo(() => (isShell ? findPlaceholders(text) : []), [isShell, text]);
  // A placeholder never reaches the shell as printed (`docker container stop ID`): the learner fills it in first.
  function run() {
    if (placeholders.length) setFilling(true);
    else onRun(text);
  }
  async function copy() {
    await navigator.clipboard?.writeText(text).catch(() => undefined);
    setCopied(true);
    setTimeout(() => setCopied(false), 1200);
  }
  return (
    <>
      <pre className={styles.code}>
        <span className="code-actions">
          {isShell && (
            <button type="button" className="btn-ghost btn-small" onClick={run} aria-label="Run in terminal" aria-expanded={placeholders.length ? filling : undefined}>
              ▶ Run
            </button>
          )}
          <button type="button" className="btn-ghost btn-small" onClick={copy} aria-label="Copy">
            {copied ? "Copied" : "Copy"}
          </button>
        </span>
        {/* One block per line, so a long line wraps with a hanging indent and never reads as a line of its own. */}
        <code className={className || undefined}>
          {text.split("\n").map((line, i) => (
            <span key={i} className={styles.line}>
              {line || "\u00a0"}
            </span>
          ))}
        </code>
      </pre>
      {filling && (
        <PlaceholderForm
          command={text}
          placeholders={placeholders}
          stepText={stepText}
          onCancel={() => setFilling(false)}
          onRun={(filled) => {
            setFilling(false);
            onRun(filled);
          }}
        />
      )}
    </>
  );
}

/**
 * A step's Markdown. Shell code blocks get a button that types the command into the terminal (the page puts it in
 * the exercise's folder); one with a placeholder asks for its value first.
 */
export function StepText({ markdown, onRun }: { markdown: string; onRun: (command: string) => void }) {
  // The same renderer across renders: a new one each time is a new component type, and React would replace every
  // code block (and its "Copied" state) whenever the page around it re-renders, as it does with each verdict.
  const components = useMemo<Components>(() => ({ pre: ({ children }) => <CodeBlock onRun={onRun} stepText={markdown}>{children}</CodeBlock> }), [onRun, markdown]);
  return (
    <div className="markdown">
      <ReactMarkdown remarkPlugins={[remarkGfm]} components={components}>
        {markdown}
      </ReactMarkdown>
    </div>
  );
}
