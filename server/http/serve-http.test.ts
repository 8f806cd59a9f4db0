import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { serveHttp } from "./serve-http";

let server: http.Server | undefined;
afterEach(async () => {
  await new Promise((r) => server?.close(r));
  vi.restoreAllMocks();
});

async function serve(handler: Parameters<typeof serveHttp>[0]): Promise<string> {
  server = http.createServer(serveHttp(handler));
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("the HTTP side of the edge", () => {
  it("passes requests to the handler (positive control); a throw or a rejection becomes a 500 with code internal", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const base = await serve((req, res) => {
      if (req.url === "/throws") throw new URIError("URI malformed");
      if (req.url === "/rejects") return Promise.reject(new Error("database down"));
      res.end("fine");
    });
    expect(await (await fetch(`${base}/ok`)).text()).toBe("fine");
    for (const path of ["/throws", "/rejects"]) {
      const response = await fetch(base + path);
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({ error: expect.stringMatching(/nothing was lost/), code: "internal" });
    }
  });

  it("answers a path Next cannot decode with 400 bad_request, without calling the handler", async () => {
    const handler = vi.fn((_req: http.IncomingMessage, res: http.ServerResponse) => void res.end("fine"));
    const base = await serve(handler);
    const response = await fetch(`${base}/api/chapters/%E0%A4%A/files`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: "bad_request" });
    expect(handler).not.toHaveBeenCalled();
  });
});
