"use client";

/** Any page that fails shows this instead of a blank screen; the learner's work lives in the sandbox and is untouched. */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main className="error-page">
      <h1>Something went wrong on this page</h1>
      <p className="lede">
        Nothing in your sandbox was lost. Try again; if it keeps happening, tell whoever runs this lab
        {error.digest ? ` and quote the code ${error.digest}` : ""}.
      </p>
      <button type="button" className="btn" onClick={reset}>
        Try again
      </button>
    </main>
  );
}
