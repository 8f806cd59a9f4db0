"use client";

import { useEffect, useState } from "react";

/** A moment in the viewer's own time zone (the server does not know it), ISO until the browser formats it. */
export function LocalTime({ iso }: { iso: string }) {
  const [text, setText] = useState(iso.slice(0, 16).replace("T", " ") + " UTC");
  useEffect(() => setText(new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })), [iso]);
  return <time dateTime={iso}>{text}</time>;
}
