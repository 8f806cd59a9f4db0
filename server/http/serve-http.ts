import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { INTERNAL_ERROR_MESSAGE } from "./http-error";

type Handler = (req: IncomingMessage, res: ServerResponse) => unknown;

/**
 * Whether Next can be given this request target. Next answers a path that is not valid percent-encoding
 * (`/api/%E0%A4%A`) and the asterisk form (`OPTIONS *`) with a bare 500; the edge answers them 400 first.
 */
export function servableTarget(url: string | undefined): boolean {
  if (!url) return false;
  if (!url.startsWith("/") && !/^https?:\/\//i.test(url)) return false;
  const q = url.indexOf("?");
  try {
    decodeURIComponent(q < 0 ? url : url.slice(0, q));
    return true;
  } catch {
    return false;
  }
}

/**
 * The plain-HTTP side of the edge: whatever the handler (Next) throws or rejects ends in a 500 JSON answer
 * (code `internal`) or, once headers are out, a closed response; it never reaches the process.
 */
export function serveHttp(handler: Handler): (req: IncomingMessage, res: ServerResponse) => void {
  const fail = (res: ServerResponse, error: unknown) => {
    try {
      console.error("request failed:", error);
      if (res.headersSent) return void res.destroy();
      res.writeHead(500, { "content-type": "application/json", connection: "close" }).end(JSON.stringify({ error: INTERNAL_ERROR_MESSAGE, code: "internal" }));
    } catch {
      res.destroy();
    }
  };
  return (req, res) => {
    try {
      if (!servableTarget(req.url)) {
        res.writeHead(400, { "content-type": "application/json", connection: "close" }).end(JSON.stringify({ error: "Malformed request target.", code: "bad_request" }));
        return;
      }
      Promise.resolve(handler(req, res)).catch((error: unknown) => fail(res, error));
    } catch (error) {
      fail(res, error);
    }
  };
}
