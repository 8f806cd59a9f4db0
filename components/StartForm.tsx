"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";

/** A learner starts with a display name; the server answers with an HTTP-only session cookie. */
export function StartForm() {
  const router = useRouter();
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await fetch("/api/session", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ displayName: name }),
      });
      if (!res.ok) {
        const body = (await res.json().catch(() => ({}))) as { error?: string };
        setError(body.error ?? `The server answered ${res.status}.`);
        return;
      }
      router.refresh();
    } catch {
      setError("Could not reach the lab server. Check that it is running and try again.");
    } finally {
      setBusy(false);
    }
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
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
