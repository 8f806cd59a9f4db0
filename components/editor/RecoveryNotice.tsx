"use client";

import { useState } from "react";
import { useLearnerEvents } from "@/components/lab/useLearnerEvents";

/**
 * What the lab did about the learner's sandbox by itself (Docker started again, the sandbox started again after it
 * was killed, restarted when memory or processes ran out), in the lab's words, until the learner dismisses it.
 */
export function RecoveryNotice() {
  const [message, setMessage] = useState<string | null>(null);
  useLearnerEvents((event) => {
    if (event.type === "recovery") setMessage(event.message);
  });
  if (!message) return null;
  return (
    <div className="lab-editor-banner" role="status" data-testid="sandbox-recovery">
      <span>{message}</span>
      <button type="button" className="btn-ghost btn-small" onClick={() => setMessage(null)}>
        Dismiss
      </button>
    </div>
  );
}
