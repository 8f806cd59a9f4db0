"use client";

import { useState } from "react";
import styles from "@/components/instructor/WorkshopAdmin.module.css";
import { SubmitWithError, useApiAction, useOpenAfresh } from "@/components/api-action";
import { send } from "@/components/api-client";

/**
 * A learner joins a workshop with the code on the projector and their name. A learner who already has a
 * session joins under it (their name and progress stay).
 */
export function JoinForm({ initialCode, signedInAs }: { initialCode: string; signedInAs: string | null }) {
  const openAfresh = useOpenAfresh();
  const [code, setCode] = useState(initialCode);
  const [name, setName] = useState(signedInAs ?? "");
  const { busy, error, run } = useApiAction();

  function submit(event: React.FormEvent) {
    event.preventDefault();
    void run(() => send("/api/join", { code, displayName: name }), () => openAfresh("/"));
  }

  return (
    <form className={`card ${styles.form}`} onSubmit={submit} aria-label="Join a workshop">
      <label className={styles.field}>
        <span>Workshop code</span>
        <input
          className="input"
          name="code"
          value={code}
          onChange={(e) => setCode(e.target.value)}
          placeholder="e.g. K7QX2M"
          autoCapitalize="characters"
          autoComplete="off"
          maxLength={12}
          required
          autoFocus={!initialCode}
        />
      </label>
      <label className={styles.field}>
        <span>{signedInAs ? "You join as" : "Your name, as the instructor will see it"}</span>
        <input
          className="input"
          name="displayName"
          value={name}
          onChange={(e) => setName(e.target.value)}
          readOnly={signedInAs !== null}
          maxLength={40}
          required
          autoFocus={Boolean(initialCode) && !signedInAs}
        />
      </label>
      <SubmitWithError busy={busy} label="Join" busyLabel="Joining…" error={error} />
    </form>
  );
}
