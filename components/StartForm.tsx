"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { ErrorLine, useApiAction } from "./api-action";
import { send } from "./api-client";

/** A learner starts with a display name; the server answers with an HTTP-only session cookie. */
export function StartForm() {
  const router = useRouter();
  const [name, setName] = useState("");
  const { busy, error, run } = useApiAction();

  function submit(event: React.FormEvent) {
    event.preventDefault();
    void run(() => send("/api/session", { displayName: name }), () => router.refresh());
  }

  return (
    <form className="card" onSubmit={submit} aria-label="Start learning">
      <label htmlFor="display-name" style={{ display: "block", marginBottom: 8 }}>
        Your name, as others in a workshop will see it
      </label>
      <div className="form-row">
        <input
          id="display-name"
          className="input"
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="e.g. Ada"
          maxLength={40}
          autoFocus
          required
        />
        <button className="btn" type="submit" disabled={busy}>
          {busy ? "Starting…" : "Start"}
        </button>
      </div>
      <ErrorLine error={error} />
    </form>
  );
}
