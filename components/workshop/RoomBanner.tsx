"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { useLearnerEvents } from "@/components/lab/useLearnerEvents";
import styles from "./RoomBanner.module.css";

export interface RoomNotice {
  /** Identifies a message so a dismissed one stays dismissed across pages. */
  key: string;
  from: string;
  text: string;
}

const DISMISSED = "layerlab.dismissedNotice";

/**
 * The learner's line to their workshop: its title, and the instructor's latest broadcast or message, live
 * (server-sent events). When the room's chapters are locked or unlocked, the page refreshes so what it offers
 * matches; when the workshop ends, the banner says so.
 */
export function RoomBanner({ workshopTitle, initialNotice }: { workshopTitle: string; initialNotice: RoomNotice | null }) {
  const router = useRouter();
  const [notice, setNotice] = useState<RoomNotice | null>(null);
  const [ended, setEnded] = useState(false);

  useEffect(() => {
    if (initialNotice && sessionStorage.getItem(DISMISSED) !== initialNotice.key) setNotice(initialNotice);
  }, [initialNotice]);

  useLearnerEvents((event) => {
    if (event.type === "broadcast") setNotice({ key: `b${event.id}`, from: event.from, text: event.text });
    else if (event.type === "message") setNotice({ key: `m${Date.now()}`, from: event.from, text: event.text });
    // After the end, no refresh: the refreshed layout would drop this banner before anyone read it.
    else if (event.type === "room") {
      if (event.change === "ended") setEnded(true);
      else if (event.change === "chapters") router.refresh();
    }
  });

  function dismiss() {
    if (notice) sessionStorage.setItem(DISMISSED, notice.key);
    setNotice(null);
  }

  return (
    <div className={styles.banner} role="region" aria-label="Workshop">
      <span className={styles.room}>
        {ended ? `The workshop “${workshopTitle}” has ended. Thank you for taking part.` : `Workshop: ${workshopTitle}`}
      </span>
      {notice && (
        <span className={styles.notice} role="status" aria-live="polite" data-testid="room-notice">
          <strong>{notice.from}:</strong> {notice.text}
          <button type="button" className={styles.dismiss} onClick={dismiss} aria-label="Dismiss the message">
            ×
          </button>
        </span>
      )}
    </div>
  );
}
