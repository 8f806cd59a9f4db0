"use client";

import { useState } from "react";
import { SubmitWithError, useApiAction, useOpenAfresh } from "@/components/api-action";
import { send } from "@/components/api-client";
import styles from "./WorkshopAdmin.module.css";

export function LoginForm() {
  const openAfresh = useOpenAfresh();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const { busy, error, run } = useApiAction();

  function submit(event: React.FormEvent) {
    event.preventDefault();
    void run(() => send("/api/instructor/session", { username, password }), () => openAfresh("/instructor"));
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
      <SubmitWithError busy={busy} label="Sign in" busyLabel="Signing in…" error={error} />
    </form>
  );
}
