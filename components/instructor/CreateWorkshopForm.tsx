"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { SubmitWithError, useApiAction } from "@/components/api-action";
import { sendJson } from "@/components/api-client";
import { newWorkshopAnswerSchema } from "@/lib/validations/workshop";
import styles from "./WorkshopAdmin.module.css";

/** A chapter or a drill the instructor may include. */
export interface ContentChoice {
  id: string;
  title: string;
}

/** A datetime-local value (the browser's own time zone) for a moment. */
function localInput(date: Date): string {
  const shifted = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return shifted.toISOString().slice(0, 16);
}

/**
 * Title, chapters, drills, start and end, seats: everything a workshop needs, with sensible defaults to set one
 * up in a minute (every chapter, no drill race).
 */
export function CreateWorkshopForm({ chapters, drills }: { chapters: ContentChoice[]; drills: ContentChoice[] }) {
  const router = useRouter();
  const [title, setTitle] = useState("");
  const [chosen, setChosen] = useState<Set<string>>(() => new Set(chapters.map((c) => c.id)));
  const [chosenDrills, setChosenDrills] = useState<Set<string>>(() => new Set());
  const [startsAt, setStartsAt] = useState(() => localInput(new Date()));
  const [endsAt, setEndsAt] = useState(() => localInput(new Date(Date.now() + 3 * 3600_000)));
  const [capacity, setCapacity] = useState("30");
  const { busy, error, run } = useApiAction();

  function toggle(set: Set<string>, id: string): Set<string> {
    const next = new Set(set);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return next;
  }

  function submit(event: React.FormEvent) {
    event.preventDefault();
    // The inputs hold the instructor's local time; the server gets an absolute moment.
    const moment = (value: string) => (value && !Number.isNaN(new Date(value).getTime()) ? new Date(value).toISOString() : value);
    const workshop = {
      title,
      chapterIds: chapters.map((c) => c.id).filter((id) => chosen.has(id)),
      drillIds: drills.map((d) => d.id).filter((id) => chosenDrills.has(id)),
      startsAt: moment(startsAt),
      endsAt: moment(endsAt),
      capacity,
    };
    void run(
      () => sendJson("/api/instructor/workshops", workshop, newWorkshopAnswerSchema),
      (answer) => router.push(`/instructor/workshops/${answer.workshop.id}`),
    );
  }

  return (
    <form className={`card ${styles.form}`} onSubmit={submit} aria-label="New workshop">
      <label className={styles.field}>
        <span>Title</span>
        <input className="input" name="title" value={title} onChange={(e) => setTitle(e.target.value)} placeholder="e.g. Container images, Tuesday morning" required />
      </label>
      <fieldset className={styles.chapters}>
        <legend>Chapters</legend>
        {chapters.map((c) => (
          <label key={c.id} className={styles.check}>
            <input type="checkbox" name="chapter" value={c.id} checked={chosen.has(c.id)} onChange={() => setChosen(toggle(chosen, c.id))} /> {c.title}
          </label>
        ))}
      </fieldset>
      <fieldset className={styles.chapters}>
        <legend>Drills for a race (optional: the room&apos;s leaderboard counts these)</legend>
        {drills.map((d) => (
          <label key={d.id} className={styles.check}>
            <input type="checkbox" name="drill" value={d.id} checked={chosenDrills.has(d.id)} onChange={() => setChosenDrills(toggle(chosenDrills, d.id))} /> {d.title}
          </label>
        ))}
      </fieldset>
      <div className={styles.row}>
        <label className={styles.field}>
          <span>Starts</span>
          <input className="input" type="datetime-local" name="startsAt" value={startsAt} onChange={(e) => setStartsAt(e.target.value)} required />
        </label>
        <label className={styles.field}>
          <span>Ends</span>
          <input className="input" type="datetime-local" name="endsAt" value={endsAt} onChange={(e) => setEndsAt(e.target.value)} required />
        </label>
        <label className={styles.field}>
          <span>Seats</span>
          <input className="input" type="number" min={1} max={500} name="capacity" value={capacity} onChange={(e) => setCapacity(e.target.value)} required />
        </label>
      </div>
      <SubmitWithError busy={busy} label="Create workshop" busyLabel="Creating…" error={error} />
    </form>
  );
}
