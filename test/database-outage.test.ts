import { connect, createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { served } from "./helpers/served.ts";
import { client, createOrder, LONG_TEXT } from "./helpers/server.ts";

const DATABASE_URL = process.env.TEST_DATABASE_URL;

/**
 * A TCP relay between the app and PostgreSQL that the test cuts and restores, as a network failure or a
 * database restart would: existing connections die and new ones are refused.
 */
class Relay {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async open(): Promise<void> {
    const server = createServer((downstream) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const s of [downstream, upstream]) {
        this.sockets.add(s);
        s.on("error", () => {});
        s.on("close", () => {
          this.sockets.delete(s);
          downstream.destroy();
          upstream.destroy();
        });
      }
      downstream.pipe(upstream).pipe(downstream);
    });
    await new Promise<void>((resolve) => server.listen(this.port, "127.0.0.1", resolve));
    const address = server.address();
    this.port = typeof address === "object" && address ? address.port : 0;
    this.server = server;
  }

  async cut(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = null;
  }
}

/** Retries `probe` until it holds or `ms` pass: recovery takes the pool a moment, not a fixed time. */
async function eventually<T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
}

// The embedded database lives inside the process: it cannot go away on its own.
describe.skipIf(!DATABASE_URL)("when PostgreSQL goes away and comes back", () => {
  let relay: Relay;
  let throughRelay: string;

  beforeAll(async () => {
    const url = new URL(DATABASE_URL!);
    relay = new Relay({ host: url.hostname, port: Number(url.port || 5432) });
    await relay.open();
    url.hostname = "127.0.0.1";
    url.port = String(relay.port);
    throughRelay = url.toString();
  });
  afterAll(() => relay?.cut());
  // Hooks run in order, after-hooks in reverse: the app reaches PostgreSQL through the relay opened above
  // (its port known only then), and closes before the relay does.
  const app = served({ env: () => ({ DATABASE_URL: throughRelay }) }, "admin");

  it("answers 503 with Retry-After, says why on /healthz, and serves again by itself", async () => {
    const first = await createOrder(app.url, app.token.admin);
    const second = await createOrder(app.url, app.token.admin);
    const request = (c: { phone: string; orderNo: string }) =>
      client(app.url).post("/api/v1/tickets", {
        channel: "app",
        phone: c.phone,
        orderNo: c.orderNo,
        description: LONG_TEXT,
      });

    await relay.cut();
    const health = await client(app.url).get("/healthz");
    expect(health.status).toBe(503);
    expect(health.headers.get("retry-after")).toBe("5");
    expect(health.body.reason).toMatch(/database unreachable/);

    const refused = await request(first);
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("5");
    expect(refused.body.error.code).toBe("DATABASE_UNAVAILABLE");
    expect(JSON.stringify(refused.body)).not.toMatch(/ECONNREFUSED|stack|at .*\.ts/);

    await relay.open();
    const healthy = await eventually(
      () => client(app.url).get("/healthz"),
      (r) => r.status === 200,
    );
    expect(healthy.status).toBe(200);
    // The refused request left nothing behind: the customer's retry is a first ticket, not a duplicate.
    const retried = await request(first);
    expect(retried.status).toBe(201);
    expect((await request(second)).status).toBe(201);
    const mine = await app.as("admin").get(`/api/v1/tickets?q=${first.orderNo}`);
    expect(mine.body.total).toBe(1);
  });
});
