"use client";

import ReactMarkdown from "react-markdown";
import remarkGfm from "remark-gfm";
import { useState } from "react";

function textOf(node: React.ReactNode): string {
  if (typeof node === "string" || typeof node === "number") return String(node);
  if (Array.isArray(node)) return node.map(textOf).join("");
  if (node && typeof node === "object" && "props" in node) {
    return textOf((node as { props: { children?: React.ReactNode } }).props.children);
  }
  return "";
}

function CodeBlock({ children, onRun }: { children: React.ReactNode; onRun: (command: string) => void }) {
  const [copied, setCopied] = useState(false);
  const text = textOf(children).replace(/\n$/, "");
  const isShell = /language-(console|shell|sh|bash)/.test(
    String((children as { props?: { className?: string } } | undefined)?.props?.className ?? ""),
  );
  async function copy() {
    await navigator.clipboard?.writeText(text).catch(() => undefined);
    setCopied(true);
    setTimeout(() => setCopied(false), 1200);
  }
  return (
    <pre>
      <span className="code-actions">
        {isShell && (
          <button type="button" className="btn-ghost btn-small" onClick={() => onRun(text)} aria-label="Run in terminal">
            ▶ Run
          </button>
        )}
        <button type="button" className="btn-ghost btn-small" onClick={copy} aria-label="Copy">
          {copied ? "Copied" : "Copy"}
        </button>
      </span>
      {children}
    </pre>
  );
}

/** A step's Markdown. Shell code blocks get a button that types the command into the terminal. */
export function StepText({ markdown, onRun }: { markdown: string; onRun: (command: string) => void }) {
  return (
    <div className="markdown">
      <ReactMarkdown remarkPlugins={[remarkGfm]} components={{ pre: ({ children }) => <CodeBlock onRun={onRun}>{children}</CodeBlock> }}>
        {markdown}
      </ReactMarkdown>
    </div>
  );
}
