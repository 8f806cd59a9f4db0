"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { z } from "zod";
import { ErrorLine, useApiAction } from "@/components/api-action";
import { sendJson } from "@/components/api-client";
import { broadcastAnswerSchema, endWorkshopAnswerSchema } from "@/lib/validations/workshop";
import styles from "./WorkshopAdmin.module.css";

export interface ControlledWorkshop {
  id: string;
  ended: boolean;
  chapters: { id: string; title: string; locked: boolean }[];
}

/** The instructor's hands on the room: lock or unlock chapters, broadcast a message, end the workshop. */
export function WorkshopControls({ workshop }: { workshop: ControlledWorkshop }) {
  const router = useRouter();
  const [message, setMessage] = useState("");
  const [status, setStatus] = useState<string | null>(null);
  const { busy, error, run } = useApiAction();
  const [keepWork, setKeepWork] = useState(true);
  const base = `/api/instructor/workshops/${workshop.id}`;

  function act<S extends z.ZodType>(url: string, body: unknown, answer: S, onDone: (data: z.infer<S>) => string) {
    setStatus(null);
    void run(
      () => sendJson(url, body, answer),
      (data) => {
        setStatus(onDone(data));
        router.refresh();
      },
    );
  }

  return (
    <section className={styles.controls} aria-label="Room controls">
      <div>
        <h2>Chapters</h2>
        <ul className={styles.lockList}>
          {workshop.chapters.map((c) => (
            <li key={c.id}>
              <span>{c.title}</span>
              <button
                type="button"
                className="btn-ghost btn-small"
                disabled={busy || workshop.ended}
                aria-label={`${c.locked ? "Unlock" : "Lock"} ${c.title}`}
                onClick={() => act(`${base}/locks`, { chapterId: c.id, locked: !c.locked }, z.unknown(), () => `${c.title} ${c.locked ? "unlocked" : "locked"} for the room.`)}
              >
                {c.locked ? "Locked — unlock" : "Open — lock"}
              </button>
            </li>
          ))}
        </ul>
      </div>
      <form
        className={styles.broadcast}
        onSubmit={(e) => {
          e.preventDefault();
          act(`${base}/broadcast`, { text: message }, broadcastAnswerSchema, (d) => {
            setMessage("");
            return `Sent to ${d.recipients} learner${d.recipients === 1 ? "" : "s"}.`;
          });
        }}
      >
        <h2>Message the room</h2>
        <textarea
          className="input"
          name="broadcast"
          rows={2}
          maxLength={500}
          value={message}
          onChange={(e) => setMessage(e.target.value)}
          placeholder="Appears on every learner's page"
          disabled={workshop.ended}
        />
        <button className="btn" type="submit" disabled={busy || workshop.ended}>
          Broadcast
        </button>
      </form>
      <div>
        <h2>Finish</h2>
        <label className={styles.keepWork}>
          <input type="checkbox" name="keepWork" checked={keepWork} disabled={busy || workshop.ended} onChange={(e) => setKeepWork(e.target.checked)} /> Keep each
          learner&apos;s files and images for their next visit
        </label>
        <button
          type="button"
          className={styles.danger}
          disabled={busy || workshop.ended}
          onClick={() => {
            const work = keepWork ? "their files and images are kept for their next visit" : "their files and images are deleted";
            if (!window.confirm(`End the workshop? Nobody can join any more, and every learner's sandbox is removed: ${work} (their progress stays).`)) return;
            act(`${base}/end`, { keepWork }, endWorkshopAnswerSchema, (d) =>
              `Workshop ended; ${d.released} sandbox${d.released === 1 ? "" : "es"} released${keepWork ? " with their work kept" : ""}${d.failed ? `, ${d.failed} could not be (see the server log)` : ""}.`,
            );
          }}
        >
          {workshop.ended ? "Ended" : "End workshop"}
        </button>
      </div>
      {status && (
        <p role="status" className={styles.status}>
          {status}
        </p>
      )}
      <ErrorLine error={error} />
    </section>
  );
}
