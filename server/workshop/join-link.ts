import "server-only";
import { headers } from "next/headers";
import QRCode from "qrcode";
import type { Config } from "@/lib/config";
import { parseAllowedOrigins } from "../http/same-origin";

/**
 * The address learners type or scan: the lab's public origin (the first of LAYERLAB_ORIGINS behind a
 * proxy), else the host this instructor's browser reached. The QR code is drawn here, as SVG, with no
 * service outside the lab.
 */
export async function joinLink(
  joinCode: string,
  config: Pick<Config, "LAYERLAB_ORIGINS" | "LAYERLAB_SECURE_COOKIES">,
): Promise<{ url: string; qrSvg: string }> {
  let origin = parseAllowedOrigins(config.LAYERLAB_ORIGINS)[0];
  if (!origin) {
    const h = await headers();
    const host = h.get("x-forwarded-host") ?? h.get("host") ?? "localhost";
    origin = `${h.get("x-forwarded-proto") ?? (config.LAYERLAB_SECURE_COOKIES ? "https" : "http")}://${host}`;
  }
  const url = `${origin}/join/${joinCode}`;
  const qrSvg = await QRCode.toString(url, { type: "svg", margin: 1, errorCorrectionLevel: "M", color: { dark: "#000000", light: "#ffffff" } });
  return { url, qrSvg };
}
