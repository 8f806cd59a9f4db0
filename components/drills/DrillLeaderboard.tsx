"use client";

import { useEffect, useState } from "react";
import { useLearnerEvents } from "@/components/lab/useLearnerEvents";
import type { Leaderboard } from "@/lib/drills/drill-api";
import { fetchLeaderboard } from "./drill-client";
import { formatDuration } from "./DrillClock";

/**
 * Best score per learner at this drill; REFRESH changes when the learner's own new score may have landed, and
 * the room's board reloads when the instructor shows or hides it or someone in the room scores.
 */
export function DrillLeaderboard({ drillId, refresh }: { drillId: string; refresh: number }) {
  const [board, setBoard] = useState<Leaderboard | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [roomChanges, setRoomChanges] = useState(0);
  useLearnerEvents((event) => {
    if (event.type === "room" && event.change === "drills") setRoomChanges((n) => n + 1);
  });
  useEffect(() => {
    let live = true;
    fetchLeaderboard(drillId)
      .then((b) => live && (setBoard(b), setError(null)))
      .catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [drillId, refresh, roomChanges]);

  if (error) return <p className="muted">Leaderboard unavailable: {error}</p>;
  if (!board) return null;
  if (board.scope === "hidden") return <p className="muted">Your instructor has not opened the leaderboard for this room.</p>;
  return (
    <section className="card drill-board" aria-label="Leaderboard">
      <strong>Leaderboard</strong> <span className="muted">{board.scope === "room" ? "your room" : "everyone"}</span>
      {board.rows.length === 0 ? (
        <p className="muted">No one has fixed this one yet.</p>
      ) : (
        <ol className="drill-board-list">
          {board.rows.map((row, i) => (
            <li key={i} className={row.you ? "you" : undefined}>
              <span>{row.displayName}</span>
              <span className="drill-board-score">{row.score}</span>
              <span className="muted">{formatDuration(row.timeMs)}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
