"use client";

import { useCallback, useEffect, useState } from "react";
import { getJson, messageOf, sendJson } from "@/components/api-client";
import type { InTheWay } from "@/lib/clean-stage";
import { clearedStageSchema, stageSchema, type ExerciseRef } from "@/lib/sandbox-api";
import styles from "./CleanStage.module.css";

/**
 * What other exercises left running that is in this one's way (a container holding a port it uses, one from
 * another exercise's image), with one button that stops them all. Shown only when there is something; looked at
 * again each time `refresh` changes (the page's terminal connected).
 */
export function CleanStage({ exercise, refresh }: { exercise: ExerciseRef | null; refresh: number }) {
  const [list, setList] = useState<InTheWay[]>([]);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const query = exercise ? new URLSearchParams(exercise).toString() : null;

  const look = useCallback(async () => {
    if (!query) return setList([]);
    const answer = await getJson(`/api/sandbox/stage?${query}`, stageSchema).catch(() => null);
    setList(answer?.inTheWay ?? []);
  }, [query]);

  useEffect(() => {
    void look();
  }, [look, refresh]);

  async function stopAll() {
    if (!exercise) return;
    setBusy(true);
    setMessage(null);
    try {
      const { stopped } = await sendJson("/api/sandbox/stage", exercise, clearedStageSchema);
      setMessage(`Stopped ${stopped.join(", ") || "nothing: it had gone already"}.`);
    } catch (error) {
      setMessage(messageOf(error));
    } finally {
      setBusy(false);
      await look();
    }
  }

  if (!list.length) return message ? <p className={styles.done} role="status">{message}</p> : null;
  return (
    <section className={styles.stage} aria-label="In this exercise's way">
      <p className={styles.lead}>Still running from other exercises, in this one&apos;s way:</p>
      <ul className={styles.list}>
        {list.map(({ container, reasons }) => (
          <li key={container.id}>
            <code>{container.name}</code> ({container.image}): {reasons.join("; ")}
          </li>
        ))}
      </ul>
      <button type="button" className="btn btn-small" onClick={stopAll} disabled={busy}>
        {busy ? "Stopping…" : list.length > 1 ? `Stop these ${list.length}` : "Stop it"}
      </button>
      {message && <span role="status">{message}</span>}
    </section>
  );
}
