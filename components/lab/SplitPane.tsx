"use client";

import { useCallback, useRef, useState } from "react";

interface SplitPaneProps {
  direction: "horizontal" | "vertical";
  /** Initial size of the first pane, in percent. */
  initial: number;
  min?: number;
  max?: number;
  label: string;
  first: React.ReactNode;
  second: React.ReactNode;
}

/** Two panes and a draggable, keyboard-operable separator (arrow keys move it 2%, Home/End jump). */
export function SplitPane({ direction, initial, min = 15, max = 85, label, first, second }: SplitPaneProps) {
  const [size, setSize] = useState(initial);
  const [dragging, setDragging] = useState(false);
  const container = useRef<HTMLDivElement>(null);
  const clamp = useCallback((v: number) => Math.min(max, Math.max(min, v)), [min, max]);

  function onPointerDown(event: React.PointerEvent<HTMLDivElement>) {
    event.currentTarget.setPointerCapture(event.pointerId);
    setDragging(true);
  }
  function onPointerMove(event: React.PointerEvent<HTMLDivElement>) {
    if (!dragging || !container.current) return;
    const box = container.current.getBoundingClientRect();
    const ratio = direction === "horizontal" ? (event.clientX - box.left) / box.width : (event.clientY - box.top) / box.height;
    setSize(clamp(ratio * 100));
  }
  function onKeyDown(event: React.KeyboardEvent<HTMLDivElement>) {
    const back = direction === "horizontal" ? "ArrowLeft" : "ArrowUp";
    const forward = direction === "horizontal" ? "ArrowRight" : "ArrowDown";
    if (event.key === back) setSize((s) => clamp(s - 2));
    else if (event.key === forward) setSize((s) => clamp(s + 2));
    else if (event.key === "Home") setSize(min);
    else if (event.key === "End") setSize(max);
    else return;
    event.preventDefault();
  }

  return (
    <div ref={container} className={`split ${direction === "vertical" ? "vertical" : ""}`}>
      <div className="pane" style={{ flex: `0 0 ${size}%` }}>
        {first}
      </div>
      <div
        className="gutter"
        role="separator"
        aria-label={label}
        aria-orientation={direction === "horizontal" ? "vertical" : "horizontal"}
        aria-valuenow={Math.round(size)}
        aria-valuemin={min}
        aria-valuemax={max}
        tabIndex={0}
        data-dragging={dragging}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={() => setDragging(false)}
        onKeyDown={onKeyDown}
      />
      <div className="pane" style={{ flex: "1 1 0" }}>
        {second}
      </div>
    </div>
  );
}
