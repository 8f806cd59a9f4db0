"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { SubmitWithError, useApiAction } from "@/components/api-action";
import { sendJson } from "@/components/api-client";
import { newInstructorAnswerSchema } from "@/lib/validations/instructor";
import styles from "./WorkshopAdmin.module.css";

/**
 * A new instructor account: the administrator on first run (endpoint /api/instructor/setup, then signed in),
 * or an instructor the administrator adds (/api/instructor/instructors).
 */
export function AccountForm({ endpoint, submitLabel, after }: { endpoint: string; submitLabel: string; after: "open dashboard" | "refresh" }) {
  const router = useRouter();
  const [fields, setFields] = useState({ username: "", displayName: "", password: "" });
  const [done, setDone] = useState<string | null>(null);
  const { busy, error, run } = useApiAction();

  function submit(event: React.FormEvent) {
    event.preventDefault();
    setDone(null);
    void run(
      () => sendJson(endpoint, fields, newInstructorAnswerSchema),
      ({ instructor }) => {
        if (after === "open dashboard") {
          router.push("/instructor");
        } else {
          setDone(`Added ${instructor.username}. Give them their password in person.`);
          setFields({ username: "", displayName: "", password: "" });
        }
        router.refresh();
      },
    );
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
      <SubmitWithError busy={busy} label={submitLabel} busyLabel="Working…" error={error} />
      {done && <p role="status">{done}</p>}
    </form>
  );
}
