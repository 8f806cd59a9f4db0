"use client";

import { useCallback, useEffect, useState } from "react";
import { z } from "zod";
import { errorBodySchema } from "@/lib/workspace/workspace-api";
import { formatDuration } from "./DrillClock";

const boardSchema = z.object({
  visible: z.boolean(),
  rows: z.array(z.object({ displayName: z.string(), drillId: z.string(), score: z.number(), timeMs: z.number() })),
});
type Board = z.infer<typeof boardSchema>;

/** For the workshop's owner: the room's drill leaderboard (always visible here) and whether the room sees it. */
export function DrillBoardControl({ workshopId }: { workshopId: string }) {
  const url = `/api/instructor/workshops/${encodeURIComponent(workshopId)}/drill-leaderboard`;
  const [board, setBoard] = useState<Board | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    const res = await fetch(url, { cache: "no-store" });
    const json: unknown = await res.json().catch(() => null);
    const parsed = boardSchema.safeParse(json);
    if (parsed.success) setBoard(parsed.data);
    else setError(errorBodySchema.safeParse(json).data?.error ?? `The server answered ${res.status}.`);
  }, [url]);

  useEffect(() => {
    void load();
  }, [load]);

  async function toggle(visible: boolean) {
    setBusy(true);
    setError(null);
    try {
      const res = await fetch(url, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ visible }) });
      if (!res.ok) setError(errorBodySchema.safeParse(await res.json().catch(() => null)).data?.error ?? `The server answered ${res.status}.`);
      await load();
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card drill-board" aria-label="Drill leaderboard">
      <div className="checks-head">
        <strong>Drill leaderboard</strong>
        <span className="muted">{board ? (board.visible ? "the room sees it" : "hidden from the room") : "…"}</span>
        {board && (
          <button type="button" className="btn btn-small" disabled={busy} onClick={() => toggle(!board.visible)}>
            {board.visible ? "Hide from the room" : "Show to the room"}
          </button>
        )}
      </div>
      {board && board.rows.length === 0 && <p className="muted">No drill fixed in this room yet.</p>}
      {board && board.rows.length > 0 && (
        <ol className="drill-board-list">
          {board.rows.map((row, i) => (
            <li key={i}>
              <span>{row.displayName}</span>
              <span className="muted">{row.drillId}</span>
              <span className="drill-board-score">{row.score}</span>
              <span className="muted">{formatDuration(row.timeMs)}</span>
            </li>
          ))}
        </ol>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
