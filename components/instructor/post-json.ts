/** Sends JSON to a lab route; the answer's error sentence, or the body on success. */
export async function postJson<T>(url: string, body?: unknown, method = "POST"): Promise<{ ok: true; data: T } | { ok: false; error: string }> {
  try {
    const res = await fetch(url, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = (await res.json().catch(() => ({}))) as T & { error?: string };
    if (!res.ok) return { ok: false, error: data.error ?? `The server answered ${res.status}.` };
    return { ok: true, data };
  } catch {
    return { ok: false, error: "Could not reach the lab server. Check that it is running and try again." };
  }
}
