import "server-only";
import WebSocket from "ws";
import {
  encodeMessage,
  parseServerMessage,
  type ClientMessage,
  type ServerMessage,
  type StreamPosition,
} from "@/lib/terminal-protocol";

/**
 * A scripted terminal client for the tests and the benchmark: speaks the browser's protocol (hello, resume,
 * acks) without a browser. `ackDelayMs` makes it a slow consumer; `autoAck: false` a stalled one.
 */
export interface TestClientOptions {
  url: string;
  cookie?: string;
  origin?: string;
  cols?: number;
  rows?: number;
  resumeFrom?: StreamPosition;
  autoAck?: boolean;
  ackDelayMs?: number;
  /** Send no hello on open (to test what the server does before one). */
  skipHello?: boolean;
}

export class TerminalTestClient {
  readonly messages: ServerMessage[] = [];
  /** Everything written to the "screen": restore bytes and stream bytes, in order. */
  private received: Buffer[] = [];
  private receivedText = "";
  private listeners = new Set<() => void>();
  private restoreLeft = 0;
  stream: string | null = null;
  seq = 0;
  closeCode: number | null = null;

  private constructor(
    readonly ws: WebSocket,
    private readonly options: TestClientOptions,
  ) {
    ws.on("message", (data, isBinary) => this.onMessage(data as Buffer, isBinary));
    ws.on("close", (code) => {
      this.closeCode = code;
      this.notify();
    });
  }

  /** Opens the socket; rejects with `HTTP <status>` when the upgrade is refused. */
  static connect(options: TestClientOptions): Promise<TerminalTestClient> {
    const headers: Record<string, string> = {};
    if (options.cookie) headers.cookie = options.cookie;
    if (options.origin) headers.origin = options.origin;
    const ws = new WebSocket(options.url, { headers, perMessageDeflate: false });
    const client = new TerminalTestClient(ws, options);
    return new Promise((resolve, reject) => {
      ws.once("unexpected-response", (_req, res) => {
        reject(new Error(`HTTP ${res.statusCode}`));
        ws.terminate();
      });
      ws.once("error", reject);
      ws.once("open", () => {
        if (!options.skipHello) {
          client.control({ type: "hello", cols: options.cols ?? 100, rows: options.rows ?? 30, ...(options.resumeFrom ? { resumeFrom: options.resumeFrom } : {}) });
        }
        resolve(client);
      });
    });
  }

  get text(): string {
    if (this.received.length) {
      this.receivedText += Buffer.concat(this.received).toString("utf8");
      this.received = [];
    }
    return this.receivedText;
  }

  get position(): StreamPosition | undefined {
    return this.stream ? { stream: this.stream, seq: this.seq } : undefined;
  }

  control(message: ClientMessage): void {
    this.ws.send(encodeMessage(message));
  }

  type(text: string): void {
    this.ws.send(Buffer.from(text, "utf8"), { binary: true });
  }

  /** Waits until the received text matches (looking only after `from` characters, if given). */
  waitForText(pattern: RegExp | string, timeoutMs = 15_000, from = 0): Promise<void> {
    const test = () => {
      const t = this.text.slice(from);
      return typeof pattern === "string" ? t.includes(pattern) : pattern.test(t);
    };
    return this.waitUntil(test, timeoutMs, () => `text ${pattern} (have: ${JSON.stringify(this.text.slice(-600))})`);
  }

  waitForMessage<T extends ServerMessage["type"]>(type: T, timeoutMs = 15_000): Promise<Extract<ServerMessage, { type: T }>> {
    const find = () => this.messages.find((m) => m.type === type) as Extract<ServerMessage, { type: T }> | undefined;
    return this.waitUntil(() => Boolean(find()), timeoutMs, () => `message ${type} (have: ${JSON.stringify(this.messages)})`).then(() => find()!);
  }

  waitForClose(timeoutMs = 15_000): Promise<number> {
    return this.waitUntil(() => this.closeCode !== null, timeoutMs, () => "close").then(() => this.closeCode!);
  }

  close(): Promise<void> {
    if (this.closeCode !== null) return Promise.resolve();
    this.ws.close();
    return this.waitForClose().then(() => {});
  }

  private waitUntil(test: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!test()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for ${what()}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
    });
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    if (!isBinary) {
      const parsed = parseServerMessage(data.toString("utf8"));
      if (!parsed.ok) throw new Error(`server sent a bad control message: ${parsed.error}`);
      const message = parsed.message;
      this.messages.push(message);
      if (message.type === "ready") {
        if (!message.resumed) {
          this.received = [];
          this.receivedText = "";
        }
        this.stream = message.stream;
        this.seq = message.seq;
        this.restoreLeft = message.restore;
      }
      return this.notify();
    }
    this.received.push(data);
    const restored = Math.min(this.restoreLeft, data.length);
    this.restoreLeft -= restored;
    this.seq += data.length - restored;
    if (this.options.autoAck !== false) {
      const ack = () => this.ws.readyState === WebSocket.OPEN && this.control({ type: "ack", bytes: data.length });
      if (this.options.ackDelayMs) setTimeout(ack, this.options.ackDelayMs);
      else ack();
    }
    this.notify();
  }
}
