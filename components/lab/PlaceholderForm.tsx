"use client";

import { useEffect, useId, useRef, useState } from "react";
import { getJson } from "@/components/api-client";
import { rankForStep, type LearnerContainer } from "@/lib/learner-containers";
import { containerListSchema } from "@/lib/sandbox-api";
import { fillPlaceholders, type Placeholder } from "@/lib/step-commands";
import styles from "./StepText.module.css";

async function fetchContainers(): Promise<LearnerContainer[]> {
  const answer = await getJson("/api/sandbox/containers", containerListSchema).catch(() => null);
  return answer?.containers ?? [];
}

/**
 * Asks for the values a command's placeholders stand for before ▶ Run types it: `docker container stop ID` never
 * runs as printed. For a container placeholder the lab offers the learner's running containers, the one of the
 * step's image first and already filled in.
 */
export function PlaceholderForm({
  command,
  placeholders,
  stepText,
  onRun,
  onCancel,
}: {
  command: string;
  placeholders: Placeholder[];
  stepText: string;
  onRun: (command: string) => void;
  onCancel: () => void;
}) {
  const formId = useId();
  const [values, setValues] = useState<Record<string, string>>({});
  const [containers, setContainers] = useState<LearnerContainer[] | null>(null);
  const first = useRef<HTMLInputElement>(null);
  const wantsContainers = placeholders.some((p) => p.kind === "container");

  useEffect(() => first.current?.focus(), []);
  useEffect(() => {
    if (!wantsContainers) return;
    let live = true;
    void fetchContainers().then((list) => {
      if (!live) return;
      const ranked = rankForStep(list, `${command}\n${stepText}`);
      setContainers(ranked);
      // Offer the likeliest one filled in; the learner's own typing always wins.
      if (ranked[0]) {
        setValues((prev) => {
          const next = { ...prev };
          for (const p of placeholders) if (p.kind === "container" && !next[p.token]) next[p.token] = ranked[0].id;
          return next;
        });
      }
    });
    return () => {
      live = false;
    };
  }, [wantsContainers, command, stepText, placeholders]);

  const filled = fillPlaceholders(command, values);
  return (
    <form
      className={styles.fill}
      aria-label="Fill in the command"
      onSubmit={(event) => {
        event.preventDefault();
        if (filled) onRun(filled);
      }}
      onKeyDown={(event) => {
        if (event.key === "Escape") onCancel();
      }}
    >
      <p className={styles.fillHint}>This command has a part for you to fill in before it can run.</p>
      {placeholders.map((p, i) => {
        const input = `${formId}-${i}`;
        const offers = p.kind === "container" ? (containers ?? []) : [];
        return (
          <div key={p.token} className={styles.fillRow}>
            <label htmlFor={input}>
              <code>{p.token}</code> <span>{p.label}</span>
            </label>
            <input
              ref={i === 0 ? first : undefined}
              id={input}
              className="input"
              value={values[p.token] ?? ""}
              list={offers.length ? `${input}-offers` : undefined}
              autoComplete="off"
              spellCheck={false}
              onChange={(event) => setValues((prev) => ({ ...prev, [p.token]: event.target.value }))}
            />
            {offers.length > 0 && (
              <datalist id={`${input}-offers`}>
                {offers.map((c) => (
                  <option key={c.id} value={c.id}>{`${c.name} · ${c.image} · ${c.status}`}</option>
                ))}
              </datalist>
            )}
            {p.kind === "container" && containers && (
              <span className={styles.fillNote} role="status">
                {offers.length
                  ? `Running in your sandbox: ${offers.map((c) => `${c.id} (${c.image})`).join(", ")}`
                  : "No container is running in your sandbox."}
              </span>
            )}
          </div>
        );
      })}
      <div className={styles.fillActions}>
        <button type="submit" className="btn btn-small" disabled={!filled}>
          ▶ Run
        </button>
        <button type="button" className="btn-ghost btn-small" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
