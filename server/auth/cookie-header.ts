/** One cookie's value from a Cookie request header, or undefined. */
export function cookieFromHeader(cookieHeader: string | null | undefined, name: string): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key !== name) continue;
    try {
      return decodeURIComponent(rest.join("="));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Whether session cookies are marked Secure (LAYERLAB_SECURE_COOKIES, set when the lab is served over HTTPS). */
export function secureCookies(): boolean {
  return ["1", "true", "yes"].includes(process.env.LAYERLAB_SECURE_COOKIES ?? "");
}
