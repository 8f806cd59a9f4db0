"use client";

import { usePolledJson } from "@/components/api-action";
import { workshopQueueSchema } from "@/lib/admission/lab-queue";
import styles from "./WorkshopAdmin.module.css";

/** Places free up when sandboxes are released; a few seconds late is fine for the instructor's view. */
const POLL_MS = 5_000;

/** The lab's queue on the workshop page: nothing while everyone gets a sandbox, else who waits (and which of the room). */
export function LabQueue({ workshopId }: { workshopId: string }) {
  // A failed poll shows nothing: the next one tries again, and the room view reports a lost server.
  const { data: queue } = usePolledJson(`/api/instructor/workshops/${encodeURIComponent(workshopId)}/queue`, workshopQueueSchema, POLL_MS);

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
