"use client";

import { useEffect, useState } from "react";
import { getJson } from "@/components/api-client";
import { workshopQueueSchema, type WorkshopQueue } from "@/lib/admission/lab-queue";
import styles from "./WorkshopAdmin.module.css";

/** Places free up when sandboxes are released; a few seconds late is fine for the instructor's view. */
const POLL_MS = 5_000;

/** The lab's queue on the workshop page: nothing while everyone gets a sandbox, else who waits (and which of the room). */
export function LabQueue({ workshopId }: { workshopId: string }) {
  const [queue, setQueue] = useState<WorkshopQueue | null>(null);

  useEffect(() => {
    let cancelled = false;
    const load = async () => {
      try {
        const answer = await getJson(`/api/instructor/workshops/${encodeURIComponent(workshopId)}/queue`, workshopQueueSchema);
        if (!cancelled) setQueue(answer);
      } catch {
        // The next poll tries again; the room view reports a lost server.
      }
    };
    void load();
    const timer = setInterval(load, POLL_MS);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [workshopId]);

  if (!queue || queue.waiting === 0) return null;
  return (
    <section className={styles.queue} role="status" data-testid="lab-queue">
      <strong>
        The lab is full: {queue.waiting} learner{queue.waiting === 1 ? "" : "s"} waiting for a sandbox
        {queue.places !== null && ` (${queue.held} of ${queue.places} places taken)`}.
      </strong>
      {queue.members.length > 0 ? (
        <p>
          Yours in line:{" "}
          {queue.members.map((m) => `${m.displayName} (number ${m.position})`).join(", ")}. Each starts by themselves when a place frees.
        </p>
      ) : (
        <p>None of them is in this workshop: its seats are kept for its members.</p>
      )}
    </section>
  );
}
