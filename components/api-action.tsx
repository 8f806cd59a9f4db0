"use client";

import { useRouter } from "next/navigation";
import { useCallback, useState } from "react";
import { messageOf } from "./api-client";

/**
 * What a form or button that calls the lab shares: busy while the call runs, the refusal's sentence if it fails,
 * `onDone` with the answer if it succeeds.
 */
export function useApiAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(async <T,>(call: () => Promise<T>, onDone: (answer: T) => void): Promise<void> => {
    setBusy(true);
    setError(null);
    let answer: T;
    try {
      answer = await call();
    } catch (failure) {
      setError(messageOf(failure));
      return;
    } finally {
      setBusy(false);
    }
    onDone(answer);
  }, []);
  return { busy, error, setError, run };
}

/** Opens a page rendered afresh, for what the server now knows (a new session, a sign-out). */
export function useOpenAfresh(): (path: string) => void {
  const router = useRouter();
  return useCallback(
    (path: string) => {
      router.push(path);
      router.refresh();
    },
    [router],
  );
}

/** A refusal under a form, read out when it appears. */
export function ErrorLine({ error }: { error: string | null }) {
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {error}
    </p>
  );
}

/** A form's submit button ("Signing in…" while busy) and its refusal under it. */
export function SubmitWithError({ busy, label, busyLabel, error }: { busy: boolean; label: string; busyLabel: string; error: string | null }) {
  return (
    <>
      <button className="btn" type="submit" disabled={busy}>
        {busy ? busyLabel : label}
      </button>
      <ErrorLine error={error} />
    </>
  );
}
