"use client";

import { useMemo, useState } from "react";
import { DEFAULT_ROOM_SETTINGS, roomSettingsSchema, type RoomRow, type RoomSettings } from "@/lib/workshop/room";
import { LearnerPanel } from "./LearnerPanel";
import { RoomGrid } from "./RoomGrid";
import styles from "./RoomView.module.css";
import { roomQuery, useRoom } from "./useRoom";

type SortOrder = "stuck" | "name" | "progress";

const SORTS: Record<SortOrder, (a: RoomRow, b: RoomRow) => number> = {
  // roomView hands the rows over sorted by name; a stable sort keeps that order.
  name: () => 0,
  stuck: (a, b) => Number(!!b.stuck) - Number(!!a.stuck) || a.passed - b.passed,
  progress: (a, b) => a.passed - b.passed,
};

/**
 * The instructor's live view of a workshop: who passed which step, who is stuck and on what, hint and solution
 * use; a learner clicked opens their terminal (read-only) with reset and message. Updates arrive as learners work.
 */
export function RoomView({ workshopId }: { workshopId: string }) {
  const [settings, setSettings] = useState<RoomSettings>(DEFAULT_ROOM_SETTINGS);
  const { snapshot, view, error, live, now } = useRoom(workshopId, settings);
  const [selected, setSelected] = useState<string | null>(null);
  const [group, setGroup] = useState<string | null>(null);
  const [sort, setSort] = useState<SortOrder>("stuck");
  const [wide, setWide] = useState(false);

  const rows = useMemo(() => (view ? [...view.rows].sort(SORTS[sort]) : []), [view, sort]);
  const groupKey = (g: { step: { chapterId: string; stepId: string }; checkId: string }) => `${g.step.chapterId}/${g.step.stepId}#${g.checkId}`;
  const activeGroup = view?.groups.find((g) => groupKey(g) === group) ?? null;
  const highlight = activeGroup ? new Set(activeGroup.learnerIds) : null;
  const selectedRow = rows.find((r) => r.learnerId === selected) ?? null;

  function changeSetting(key: keyof RoomSettings, value: string) {
    const next = { ...settings, [key]: Number(value) };
    // Half-typed values keep the last good settings.
    if (roomSettingsSchema.safeParse(next).success) setSettings(next);
  }
  const settingInput = (key: keyof RoomSettings, min: number, max: number, label: string) => (
    <input className={styles.number} type="number" min={min} max={max} defaultValue={settings[key]} onChange={(e) => changeSetting(key, e.target.value)} aria-label={label} />
  );

  if (!view || !snapshot) {
    return <div className={styles.room}>{error ? <p className={styles.error}>{error}</p> : <p className={styles.note}>Loading the room…</p>}</div>;
  }
  const stuckCount = view.rows.filter((r) => r.stuck).length;
  const failingCount = view.rows.filter((r) => r.failing).length;
  const finishedCount = view.rows.filter((r) => r.finished).length;

  return (
    <div className={styles.room} data-testid="room-view">
      <div className={styles.toolbar}>
        <span className={live ? styles.live : styles.offline} role="status">
          {live ? "Live" : "Reconnecting…"}
        </span>
        <span className={styles.counts} data-testid="room-counts">
          <strong>{view.rows.length}</strong> {view.rows.length === 1 ? "learner" : "learners"} · <strong>{failingCount}</strong> failing a check · <strong>{stuckCount}</strong> stuck ·{" "}
          <strong>{finishedCount}</strong> finished
        </span>
        <label className={styles.settings}>
          stuck after
          {settingInput("stuckAfterMinutes", 1, 1440, "Minutes without progress before a learner counts as stuck")}
          min idle, or
          {settingInput("repeatedFailures", 2, 10, "Failures of the same check in a row before a learner counts as stuck")}
          same failures in a row
        </label>
        <label className={styles.settings}>
          sort
          <select className={styles.number} style={{ width: "auto" }} value={sort} onChange={(e) => setSort(e.target.value as SortOrder)}>
            <option value="stuck">stuck first</option>
            <option value="progress">least progress first</option>
            <option value="name">name</option>
          </select>
        </label>
        <span className={styles.spacer} />
        {error && <span className={styles.error}>{error}</span>}
        <a className="btn-ghost btn-small" href={`/api/instructor/workshops/${workshopId}/results.csv?${roomQuery(settings)}`} download>
          Export CSV
        </a>
      </div>

      <div className={styles.body}>
        <div className={styles.main} hidden={wide && selectedRow !== null}>
          {view.groups.length ? (
            <ul className={styles.groups} aria-label="Learners grouped by the check they fail">
              {view.groups.map((g) => (
                <li key={groupKey(g)}>
                  <button
                    type="button"
                    className={styles.group}
                    aria-pressed={group === groupKey(g)}
                    onClick={() => setGroup(group === groupKey(g) ? null : groupKey(g))}
                  >
                    {g.text}
                  </button>
                </li>
              ))}
            </ul>
          ) : (
            <p className={styles.noGroups}>No one is failing a check right now.</p>
          )}
          <div className={styles.gridWrap}>
            <RoomGrid steps={snapshot.steps} rows={rows} now={now} selected={selected} highlight={highlight} onSelect={setSelected} />
          </div>
        </div>
        {selectedRow && (
          <LearnerPanel
            key={selectedRow.learnerId}
            workshopId={workshopId}
            row={selectedRow}
            stepCount={snapshot.steps.length}
            now={now}
            wide={wide}
            onToggleWide={() => setWide(!wide)}
            onClose={() => {
              setSelected(null);
              setWide(false);
            }}
          />
        )}
      </div>
    </div>
  );
}
