"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { ErrorLine, useApiAction } from "@/components/api-action";
import { send } from "@/components/api-client";
import styles from "./WorkshopAdmin.module.css";

export function LoginForm() {
  const router = useRouter();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const { busy, error, run } = useApiAction();

  function submit(event: React.FormEvent) {
    event.preventDefault();
    void run(
      () => send("/api/instructor/session", { username, password }),
      () => {
        router.push("/instructor");
        router.refresh();
      },
    );
  }

  return (
    <form className={`card ${styles.form}`} onSubmit={submit} aria-label="Instructor sign-in">
      <label className={styles.field}>
        <span>Username</span>
        <input className="input" name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required autoFocus />
      </label>
      <label className={styles.field}>
        <span>Password</span>
        <input className="input" name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
      </label>
      <button className="btn" type="submit" disabled={busy}>
        {busy ? "Signing in…" : "Sign in"}
      </button>
      <ErrorLine error={error} />
    </form>
  );
}
