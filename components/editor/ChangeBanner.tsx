"use client";

import { isDirty, type TabSync } from "@/lib/workspace/tab-sync";

interface ChangeBannerProps {
  tab: TabSync;
  onLoadIncoming: () => void;
  onKeepMine: () => void;
  onOverwrite: () => void;
}

/**
 * Says so when the sandbox's copy of the open file moved on while the editor held unsaved edits, and lets
 * the learner choose; nothing is replaced without a click. Loading the new version is one undoable edit.
 */
export function ChangeBanner({ tab, onLoadIncoming, onKeepMine, onOverwrite }: ChangeBannerProps) {
  if (tab.incoming) {
    const refused = tab.incoming.reason === "save-refused";
    return (
      <div className="lab-editor-banner" role="alert">
        <span>
          {refused ? (
            <>
              <strong>Not saved:</strong> {tab.path} was changed in the sandbox (from the terminal?) since you opened it.
            </>
          ) : (
            <>
              <strong>{tab.path} changed in the sandbox</strong> (from the terminal?) while you had unsaved edits here.
            </>
          )}
        </span>
        <span className="lab-editor-banner-actions">
          <button type="button" className="btn btn-small" onClick={onLoadIncoming} title="Replace your edits with the file from the sandbox (Ctrl+Z brings them back)">
            Load the new version
          </button>
          {refused ? (
            <button type="button" className="btn-ghost btn-small" onClick={onOverwrite}>
              Overwrite with mine
            </button>
          ) : (
            <button type="button" className="btn-ghost btn-small" onClick={onKeepMine} title="Keep your edits; saving will replace the sandbox's version">
              Keep mine
            </button>
          )}
        </span>
      </div>
    );
  }
  if (tab.base && tab.base.hash === null && isDirty(tab)) {
    return (
      <div className="lab-editor-banner" role="status">
        <span>
          <strong>{tab.path} is not in your sandbox</strong> (deleted from the terminal?). Save to put this version back.
        </span>
      </div>
    );
  }
  return null;
}
