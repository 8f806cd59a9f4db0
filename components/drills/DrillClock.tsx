"use client";

import { useEffect, useState } from "react";

export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

/** The attempt's clock: counts up from the start while the attempt runs, and stands still at its end. */
export function DrillClock({ startedAt, stoppedAt, penaltyMs }: { startedAt: string; stoppedAt: string | null; penaltyMs: number }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (stoppedAt) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [stoppedAt]);
  const elapsed = (stoppedAt ? Date.parse(stoppedAt) : now) - Date.parse(startedAt);
  return (
    <span className="drill-clock" role="timer" aria-label="Time on this drill" data-running={stoppedAt ? "false" : "true"}>
      {formatDuration(elapsed)}
      {penaltyMs > 0 && <span className="muted"> +{formatDuration(penaltyMs)} hints</span>}
    </span>
  );
}
