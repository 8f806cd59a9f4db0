"use client";

import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import type { z } from "zod";
import { getJson, messageOf } from "./api-client";

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

/**
 * An answer the page keeps current by asking again every `everyMs` (and at once when `url` changes): the latest
 * answer (kept while a new one is on its way), the latest failure (null once an answer comes), and `reload` to ask
 * now. Answers for an old url, or after the component went away, are dropped. `schema` must be a stable value.
 */
export function usePolledJson<S extends z.ZodType>(url: string, schema: S, everyMs: number) {
  const [data, setData] = useState<z.infer<S> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useRef(async () => {});
  useEffect(() => {
    let live = true;
    load.current = async () => {
      try {
        const answer = await getJson(url, schema);
        if (!live) return;
        setData(answer);
        setError(null);
      } catch (failure) {
        if (live) setError(failure);
      }
    };
    void load.current();
    const timer = setInterval(() => void load.current(), everyMs);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [url, schema, everyMs]);
  const reload = useCallback(() => load.current(), []);
  return { data, error, reload };
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
