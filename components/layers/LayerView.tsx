"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { getJson, messageOf } from "@/components/api-client";
import { formatSize } from "@/lib/checks/check-result";
import { layerStackSchema, sizeParts, stackLinks, stackRows, type BuiltStack, type LayerStack, type StackLink, type StackRow } from "@/lib/layers/layer-stack";
import { useLearnerEvents } from "@/components/lab/useLearnerEvents";
import styles from "./LayerView.module.css";

interface LayerViewProps {
  chapterId: string;
  stepId: string;
  /** Bumped by each verdict for this step. */
  refresh: number;
}

type Shown = { url: string; stack: Exclude<LayerStack, { state: "unchanged" }> } | { url: string; error: string };

/**
 * The layers of the image the step is about: the base image as one row named by its image, then one bar per
 * step of the learner's Dockerfile (newest on top, width by size), with the bytes a later layer hides drawn as
 * still shipped and linked to the layer that hides them, and the size `docker image ls` shows.
 *
 * Never the previous image beside a fresh verdict: the image is read again when the checks start (the shell is
 * back at a prompt, so the build is over), and the picture counts as current only for the verdicts its read
 * covers. A verdict beyond them greys it out, in the same render that shows the verdict, until a read that
 * covers it answers. A read that finds the same image id answers `unchanged` after one inspect.
 */
export function LayerView({ chapterId, stepId, refresh }: LayerViewProps) {
  const url = `/api/chapters/${encodeURIComponent(chapterId)}/steps/${encodeURIComponent(stepId)}/layers`;
  const [shown, setShown] = useState<Shown | null>(null);
  /** The verdicts (counted by `refresh`) the picture is current for. */
  const [covered, setCovered] = useState(refresh);
  const reading = useRef<{ abort: AbortController; covers: number } | null>(null);
  const shownRef = useRef<Shown | null>(null);
  shownRef.current = shown;
  const refreshRef = useRef(refresh);
  refreshRef.current = refresh;

  /** Reads the image; its answer is current up to verdict `covers`. With `known`, an unchanged image costs one inspect. */
  const read = useCallback(
    (known: boolean, covers: number) => {
      reading.current?.abort.abort();
      const abort = new AbortController();
      reading.current = { abort, covers };
      const current = shownRef.current;
      const knownId = known && current?.url === url && "stack" in current && current.stack.state === "built" ? current.stack.imageId : null;
      void (async () => {
        let next: Shown | null;
        try {
          const stack = await getJson(knownId ? `${url}?known=${encodeURIComponent(knownId)}` : url, layerStackSchema, { signal: abort.signal });
          next = stack.state === "unchanged" ? null : { url, stack };
        } catch (error) {
          if (abort.signal.aborted) return;
          next = { url, error: messageOf(error) };
        }
        if (abort.signal.aborted) return;
        reading.current = null;
        if (next) setShown(next);
        setCovered((c) => Math.max(c, covers));
      })();
    },
    [url],
  );

  // A new step: its own picture from scratch (the previous step's is never shown under this step's checks).
  useEffect(() => {
    read(false, refreshRef.current);
    return () => reading.current?.abort.abort();
  }, [read]);

  // The checks start: the read begins now, beside them, and covers the verdict they are about to bring.
  useLearnerEvents(
    useCallback(
      (event) => {
        if (event.type === "checking" && event.chapterId === chapterId && event.stepId === stepId) read(true, refreshRef.current + 1);
      },
      [read, chapterId, stepId],
    ),
  );

  const stale = refresh > covered;
  // A verdict no read covers (its "checking" was missed): read now.
  useEffect(() => {
    if (refresh > covered && (reading.current?.covers ?? -1) < refresh) read(true, refresh);
  }, [refresh, covered, read]);

  const current = shown?.url === url ? shown : null;
  if (current && "stack" in current && current.stack.state === "none") return null;
  const state = !current ? "loading" : stale ? "refreshing" : "stack" in current ? current.stack.state : "error";
  const imageId = current && "stack" in current && current.stack.state === "built" ? current.stack.imageId : undefined;

  return (
    <section className={`layers card ${styles.view}`} aria-label="Layers" aria-busy={state === "loading" || state === "refreshing"} data-layers-state={state} data-image-id={imageId}>
      <LayersBody current={current} stale={stale} />
    </section>
  );
}

function LayersBody({ current, stale }: { current: Shown | null; stale: boolean }) {
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
        <p className="muted layers-note">{stale ? "Reading the image the checks just judged…" : "No image yet — build it first."}</p>
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
  return <BuiltLayers stack={stack} stale={stale} />;
}

function BuiltLayers({ stack, stale }: { stack: BuiltStack; stale: boolean }) {
  const rows = stackRows(stack);
  const links = stackLinks(rows);
  const lanes = Math.max(0, ...links.map((l) => l.lane + 1));
  const layers = stack.entries.filter((e) => e.layer !== null).length;
  const metadataOnly = stack.entries.filter((e) => e.layer === null && !e.base).length;
  const parts = sizeParts(stack);
  const hiddenTotal = stack.hidden.reduce((sum, h) => sum + h.bytes, 0);

  return (
    <>
      <LayersHead image={stack.image}>
        {layers} layer{layers === 1 ? "" : "s"}
        {metadataOnly > 0 && ` + ${metadataOnly} metadata-only`}
        {stack.listedSize !== null && (
          <>
            {" · "}
            <span className={styles.listed} title="The SIZE column of docker image ls">
              docker image ls: <code data-listed-size>{stack.listedSize}</code>
            </span>
          </>
        )}
      </LayersHead>
      <div className={styles.stack}>
        <ol className={`layer-list ${styles.list}${stale ? ` ${styles.stale}` : ""}`}>
          {rows.map((row, i) => (
            <Row key={i} row={row} index={i} links={links} lanes={lanes} />
          ))}
        </ol>
        {/* Over the picture, not above it: the check at every prompt must not shift the page. */}
        {stale && (
          <p className={styles.staleNote} role="status">
            Reading the image the checks just judged…
          </p>
        )}
      </div>
      {hiddenTotal > 0 && (
        <p className={`layers-note ${styles.legend}`}>
          <span className={styles.swatch} aria-hidden="true" /> {formatSize(hiddenTotal)} hidden by a later layer and still in the image: a layer
          can hide a file, never take its bytes back.
        </p>
      )}
      <p className="muted layers-note">
        Newest on top, as in docker image history; bars are what each step added, unpacked.
        {parts && (
          <>
            {" "}
            docker image ls counts {stack.listedSize} = {parts.unpacked} of layers unpacked + {parts.content} of the same layers compressed, as
            pulled and pushed (the image store keeps both).
          </>
        )}
      </p>
    </>
  );
}

function Row({ row, index, links, lanes }: { row: StackRow; index: number; links: StackLink[]; lanes: number }) {
  const empty = row.sizeBytes === 0;
  const hiddenPercent = row.sizeBytes > 0 ? Math.min(100, (100 * row.hiddenBytes) / row.sizeBytes) : 0;
  const layerText = row.layers.length === 1 ? `layer ${row.layers[0]}` : `layers ${row.layers.at(-1)}–${row.layers[0]}`;
  return (
    <li
      className={`layer ${styles.row}${empty ? " empty" : ""}${row.kind === "base" ? ` ${styles.base}` : ""}`}
      data-kind={row.kind}
      data-layers={row.layers.join(" ")}
      data-hidden-bytes={row.hiddenBytes}
      title={`${row.instructions.join("\n")}\n${formatSize(row.sizeBytes)}`}
    >
      <Gutter index={index} links={links} lanes={lanes} />
      <span className={styles.main}>
        <span className="layer-text">
          {row.kind === "base" ? (
            <span className={`layer-instruction ${styles.baseLabel}`}>
              <span className={styles.from}>FROM</span> <code>{row.label}</code>{" "}
              <span className="muted">
                base image · {row.layers.length} layer{row.layers.length === 1 ? "" : "s"}
              </span>
            </span>
          ) : (
            <code className="layer-instruction">{row.label}</code>
          )}
          <span className="layer-size">{empty ? "0 B · metadata" : formatSize(row.sizeBytes)}</span>
        </span>
        {row.hides.map((h) => (
          <span key={`${h.layer}-${h.how}`} className={styles.hides} data-hides-layer={h.layer} title={`${h.files} file${h.files === 1 ? "" : "s"}, the largest /${h.largest}`}>
            ↓ {h.how === "deleted" ? "hides" : "writes over"} {formatSize(h.bytes)} of layer {h.layer} (/{h.largest}
            {h.files > 1 ? ` and ${h.files - 1} more` : ""}) — gives nothing back
          </span>
        ))}
        {row.hiddenBy.length > 0 && (
          <span className={styles.hiddenNote}>
            {formatSize(row.hiddenBytes)} of {row.kind === "base" ? "the base" : layerText} hidden by layer {[...new Set(row.hiddenBy.map((h) => h.by))].join(", ")} —
            still shipped
          </span>
        )}
        <span className="layer-track" aria-hidden="true">
          <span className={`layer-bar ${styles.bar}`} style={{ width: empty ? undefined : `${row.widthPercent}%` }}>
            {hiddenPercent > 0 && <span className={styles.hidden} data-shipped-hidden style={{ width: `${hiddenPercent}%` }} />}
          </span>
        </span>
      </span>
    </li>
  );
}

/** The margin left of a row: one lane per link, a line from the hiding row down to the hidden one. */
function Gutter({ index, links, lanes }: { index: number; links: StackLink[]; lanes: number }) {
  if (lanes === 0) return null;
  const cells = Array.from({ length: lanes }, (_, lane) => {
    const link = links.find((l) => l.lane === lane && index >= l.from && index <= l.to);
    if (!link) return null;
    return index === link.from ? "start" : index === link.to ? "end" : "through";
  }).reverse();
  const classOf = { start: styles.laneStart, through: styles.laneMid, end: styles.laneEnd };
  return (
    <span className={styles.gutter} aria-hidden="true">
      {cells.map((cell, i) => (
        <span key={i} className={`${styles.lane}${cell ? ` ${classOf[cell]}` : ""}`} data-link={cell ?? undefined} />
      ))}
    </span>
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
