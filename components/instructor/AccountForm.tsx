"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { postJson } from "./post-json";
import styles from "./WorkshopAdmin.module.css";

/**
 * A new instructor account: the administrator on first run (endpoint /api/instructor/setup, then signed in),
 * or an instructor the administrator adds (/api/instructor/instructors).
 */
export function AccountForm({ endpoint, submitLabel, after }: { endpoint: string; submitLabel: string; after: "open dashboard" | "refresh" }) {
  const router = useRouter();
  const [fields, setFields] = useState({ username: "", displayName: "", password: "" });
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setDone(null);
    const result = await postJson<{ instructor: { username: string } }>(endpoint, fields);
    setBusy(false);
    if (!result.ok) return setError(result.error);
    if (after === "open dashboard") {
      router.push("/instructor");
      router.refresh();
    } else {
      setDone(`Added ${result.data.instructor.username}. Give them their password in person.`);
      setFields({ username: "", displayName: "", password: "" });
      router.refresh();
    }
  }

  const field = (name: keyof typeof fields, label: string, type = "text", autoComplete?: string) => (
    <label className={styles.field}>
      <span>{label}</span>
      <input
        className="input"
        name={name}
        type={type}
        value={fields[name]}
        autoComplete={autoComplete}
        onChange={(e) => setFields({ ...fields, [name]: e.target.value })}
        required
      />
    </label>
  );

  return (
    <form className={`card ${styles.form}`} onSubmit={submit}>
      {field("username", "Username")}
      {field("displayName", "Name shown to learners")}
      {field("password", "Password (at least 10 characters)", "password", "new-password")}
      <button className="btn" type="submit" disabled={busy}>
        {busy ? "Working…" : submitLabel}
      </button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {done && <p role="status">{done}</p>}
    </form>
  );
}
