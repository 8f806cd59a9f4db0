"use client";

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

/** A refusal under a form, read out when it appears. */
export function ErrorLine({ error }: { error: string | null }) {
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {error}
    </p>
  );
}
