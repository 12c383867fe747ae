import WebSocket from "ws";

/** Chat clients as the widget and the console speak to the server: real WebSockets, JSON frames. */

export type Frame = Record<string, any> & { type: string };

/** A socket that keeps every frame it received, so a test can wait for the one it expects. */
export class Peer {
  readonly frames: Frame[] = [];
  private waiters: Array<() => void> = [];
  closed: { code: number } | null = null;

  constructor(readonly ws: WebSocket) {
    ws.on("message", (data) => {
      this.frames.push(JSON.parse(data.toString()));
      for (const w of this.waiters.splice(0)) w();
    });
    ws.on("close", (code) => {
      this.closed = { code };
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static open(url: string, headers: Record<string, string> = {}): Promise<Peer> {
    const ws = new WebSocket(url, { headers });
    const peer = new Peer(ws);
    return new Promise((resolve, reject) => {
      ws.once("open", () => resolve(peer));
      ws.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once("error", reject);
    });
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  /**
   * The first frame from `from` on that matches; frames before it stay readable for later waits. A frame
   * that never comes fails with what did come, rather than at the test's own timeout.
   */
  async next(match: (f: Frame) => boolean, from = 0, timeoutMs = 20_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.slice(from).find(match);
      if (found) return found;
      if (this.closed) throw new Error(`socket closed (${this.closed.code}) while waiting`);
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `no matching frame in ${timeoutMs} ms; got ${this.frames.map((f) => f.type).join(", ")}`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  closeNow(): void {
    this.ws.close();
  }
}
