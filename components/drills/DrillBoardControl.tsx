"use client";

import { useState } from "react";
import { usePolledJson } from "@/components/api-action";
import { ApiError, messageOf, send } from "@/components/api-client";
import { roomDrillBoardSchema } from "@/lib/drills/drill-api";
import { formatDuration } from "./DrillClock";

/** The board follows new scores this often while the page is open. */
const REFRESH_MS = 10_000;

/**
 * For the workshop's owner: the room's leaderboard over the workshop's drills (always visible here, refreshed
 * as scores land) and whether the room sees it.
 */
export function DrillBoardControl({ workshopId, drills }: { workshopId: string; drills: { id: string; title: string }[] }) {
  const titles = new Map(drills.map((d) => [d.id, d.title]));
  const url = `/api/instructor/workshops/${encodeURIComponent(workshopId)}/drill-leaderboard`;
  const { data: board, error: pollError, reload } = usePolledJson(url, roomDrillBoardSchema, REFRESH_MS);
  /** Why showing or hiding the board failed. */
  const [toggleError, setToggleError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const error =
    toggleError ?? (pollError === null ? null : pollError instanceof ApiError && pollError.code === "unreachable" ? "The lab did not answer; the board will try again." : messageOf(pollError));

  async function toggle(visible: boolean) {
    setBusy(true);
    setToggleError(null);
    try {
      await send(url, { visible }, "PUT");
      await reload();
    } catch (error) {
      setToggleError(messageOf(error));
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
      <p className="muted">The race: {drills.map((d) => d.title).join(" · ")}</p>
      {board && board.rows.length === 0 && <p className="muted">No drill fixed in this room yet.</p>}
      {board && board.rows.length > 0 && (
        <ol className="drill-board-list">
          {board.rows.map((row, i) => (
            <li key={i}>
              <span>{row.displayName}</span>
              <span className="muted">{titles.get(row.drillId) ?? row.drillId}</span>
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
