"use client";

import { useEffect, useState } from "react";
import { formatSize } from "@/lib/checks/check-result";
import { countLayers, layerBars, layerStackSchema, shortInstruction, type LayerStack } from "@/lib/layers/layer-stack";

interface LayerViewProps {
  chapterId: string;
  stepId: string;
  /** Changes whenever the layers may have changed (a verdict arrived after a prompt, a save or "Check now"). */
  refresh: number;
}

type Loaded = { stepKey: string; stack: LayerStack } | { stepKey: string; error: string };

/** The layers of the image the step is about: one bar per layer, width by size, newest on top. */
export function LayerView({ chapterId, stepId, refresh }: LayerViewProps) {
  const url = `/api/chapters/${encodeURIComponent(chapterId)}/steps/${encodeURIComponent(stepId)}/layers`;
  const [loaded, setLoaded] = useState<Loaded | null>(null);

  useEffect(() => {
    // A newer build's answer wins: the request it replaces is dropped, not raced.
    const abort = new AbortController();
    void (async () => {
      try {
        const res = await fetch(url, { signal: abort.signal, cache: "no-store" });
        const body: unknown = await res.json().catch(() => ({}));
        if (!res.ok) {
          const message = (body as { error?: unknown }).error;
          throw new Error(typeof message === "string" ? message : `The server answered ${res.status}.`);
        }
        setLoaded({ stepKey: url, stack: layerStackSchema.parse(body) });
      } catch (error) {
        if (abort.signal.aborted) return;
        setLoaded({ stepKey: url, error: error instanceof Error ? error.message : String(error) });
      }
    })();
    return () => abort.abort();
  }, [url, refresh]);

  // The previous step's picture is never shown under this step's checks; the same step's stays until the new one.
  const current = loaded?.stepKey === url ? loaded : null;
  if (current && "stack" in current && current.stack.state === "none") return null;

  return (
    <section className="layers card" aria-label="Layers" data-layers-state={current ? ("stack" in current ? current.stack.state : "error") : "loading"}>
      <LayersBody current={current} />
    </section>
  );
}

function LayersBody({ current }: { current: Loaded | null }) {
  if (!current) {
    return (
      <>
        <LayersHead />
        <p className="muted layers-note">Reading the layers…</p>
      </>
    );
  }
  if ("error" in current) {
    return (
      <>
        <LayersHead />
        <p className="error layers-note">{current.error}</p>
      </>
    );
  }
  const { stack } = current;
  if (stack.state === "none") return null;
  if (stack.state === "missing") {
    return (
      <>
        <LayersHead image={stack.image} />
        <p className="muted layers-note">No image yet — build it first.</p>
      </>
    );
  }
  if (stack.state === "unavailable") {
    return (
      <>
        <LayersHead image={stack.image} />
        <p className="layers-note layers-unavailable">{stack.message}</p>
      </>
    );
  }

  const { withFiles, metadataOnly } = countLayers(stack.layers);
  return (
    <>
      <LayersHead image={stack.image}>
        {withFiles} layer{withFiles === 1 ? "" : "s"}
        {metadataOnly > 0 && ` + ${metadataOnly} metadata-only`} · total {formatSize(stack.totalBytes)}
      </LayersHead>
      <ol className="layer-list">
        {layerBars(stack.layers).map((bar, i) => (
          <li key={i} className={`layer${bar.empty ? " empty" : ""}`} title={`${bar.createdBy}\n${formatSize(bar.sizeBytes)}`}>
            <span className="layer-text">
              <code className="layer-instruction">{shortInstruction(bar.createdBy)}</code>
              <span className="layer-size">{bar.empty ? "0 B · metadata" : formatSize(bar.sizeBytes)}</span>
            </span>
            <span className="layer-track" aria-hidden="true">
              <span className="layer-bar" style={{ width: bar.empty ? undefined : `${bar.widthPercent}%` }} />
            </span>
          </li>
        ))}
      </ol>
      <p className="muted layers-note">Newest on top, as in docker image history. Sizes are what each step added.</p>
    </>
  );
}

function LayersHead({ image, children }: { image?: string; children?: React.ReactNode }) {
  return (
    <div className="layers-head">
      <strong>Layers</strong>
      {image && <code className="layers-image">{image}</code>}
      {children && <span className="muted layers-total">{children}</span>}
    </div>
  );
}
