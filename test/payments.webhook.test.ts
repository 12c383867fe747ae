import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../src/config.ts";
import {
  PaymentSimulator,
  paymentSettings,
  paymentsOf,
  signBody,
  verifySignature,
  WebhookPaymentAdapter,
} from "../src/modules/ledger/payments.ts";
import { startServerWithOwnDatabase } from "./helpers/own-database.ts";
import { openTicket } from "./helpers/remedies.ts";
import { client, login, type TestServer } from "./helpers/server.ts";

const SECRET = "webhook-secret-webhook-secret-0123456789";

/** The operator's payment service, scripted: what it answers for the n-th request of a key. */
class PaymentService {
  server: Server;
  requests: { key: string; body: any; signed: boolean }[] = [];
  script: (key: string, n: number) => { status: number; body: unknown } = () => ({
    status: 200,
    body: { status: "succeeded", reference: "WX-1" },
  });

  constructor() {
    this.server = createServer(async (req: IncomingMessage, res) => {
      let raw = "";
      for await (const chunk of req) raw += chunk;
      const key = String(req.headers["idempotency-key"]);
      const signed = verifySignature(
        SECRET,
        req.headers["x-aftersale-timestamp"] as string,
        raw,
        req.headers["x-aftersale-signature"] as string,
        new Date(Number(req.headers["x-aftersale-timestamp"]) * 1000),
      );
      this.requests.push({ key, body: JSON.parse(raw), signed });
      const n = this.requests.filter((r) => r.key === key).length;
      const answer = this.script(key, n);
      res.writeHead(answer.status, { "content-type": "application/json" }).end(JSON.stringify(answer.body));
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/refunds`;
  }
}

let server: TestServer;
let service: PaymentService;
let admin: string;
let agent: string;

beforeAll(async () => {
  server = await startServerWithOwnDatabase("payments");
  service = new PaymentService();
  const url = await service.listen();
  const payments = paymentsOf(server.app.ctx);
  payments.adapter = new WebhookPaymentAdapter(url, SECRET, 2000, () => server.clock.now());
  payments.settings.webhook = { url, secret: SECRET, timeoutMs: 2000 };
  [admin, agent] = await Promise.all([login(server.url, "admin"), login(server.url, "agent1")]);
});
afterAll(async () => {
  await server?.close();
  service?.server.close();
});

const ledgerOf = async (ticketNo: string) =>
  (await client(server.url, agent).get(`/api/v1/tickets/${ticketNo}/ledger`)).body;

function signedCallback(body: unknown, secret = SECRET) {
  const raw = JSON.stringify(body);
  const timestamp = String(Math.floor(server.clock.now().getTime() / 1000));
  return fetch(`${server.url}/api/v1/payments/callback`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-aftersale-timestamp": timestamp,
      "x-aftersale-signature": signBody(secret, timestamp, raw),
    },
    body: raw,
  });
}

describe("the signed webhook payment adapter", () => {
  it("signs each request, retries a 5xx under the same key, and takes the callback's confirmation", async () => {
    const { ticketNo, orderNo } = await openTicket(server, admin, agent, {
      category: "delivery",
      subType: "refused",
    });
    service.script = (_key, n) =>
      n === 1
        ? { status: 503, body: { error: "maintenance" } }
        : { status: 200, body: { status: "pending", reference: "WX-REFUND-42" } };
    await client(server.url, agent).post(`/api/v1/tickets/${ticketNo}/remedies`, {});
    await server.app.jobs.runAll();
    let [payout] = (await ledgerOf(ticketNo)).entries;
    expect(payout).toMatchObject({ status: "pending", attempts: 1, provider: "webhook" });
    expect(payout.lastError).toContain("HTTP 503");

    server.clock.advance(60);
    await server.app.jobs.runAll();
    [payout] = (await ledgerOf(ticketNo)).entries;
    expect(payout).toMatchObject({ status: "processing", attempts: 2, providerRef: "WX-REFUND-42" });
    const mine = service.requests.filter((r) => r.key === payout.id);
    expect(mine).toHaveLength(2);
    for (const r of mine) {
      expect(r.signed).toBe(true);
      expect(r.body).toMatchObject({
        idempotencyKey: payout.id,
        kind: "refund",
        amountFen: 2800,
        orderNo,
        ticketNo,
        currency: "CNY",
      });
    }

    const forged = await signedCallback(
      { idempotencyKey: payout.id, status: "succeeded", reference: "WX-REFUND-42" },
      "not-the-secret-not-the-secret-not-the-secret",
    );
    expect(forged.status).toBe(401);
    const confirmed = await signedCallback({
      idempotencyKey: payout.id,
      status: "succeeded",
      reference: "WX-REFUND-42",
    });
    expect(confirmed.status).toBe(200);
    expect(await confirmed.json()).toEqual({ id: payout.id, status: "succeeded" });
    const again = await signedCallback({
      idempotencyKey: payout.id,
      status: "succeeded",
      reference: "WX-REFUND-42",
    });
    expect((await again.json()).status).toBe("succeeded");

    const ledger = await ledgerOf(ticketNo);
    expect(ledger.entries[0]).toMatchObject({ status: "succeeded", providerRef: "WX-REFUND-42" });
    expect(ledger.entries[0].trace.map((a: any) => a.outcome)).toEqual(["failed", "succeeded"]);
    const events = (await client(server.url, agent).get(`/api/v1/tickets/${ticketNo}`)).body.events;
    expect(events.filter((e: any) => e.type === "payment_succeeded")).toHaveLength(1);
  });

  it("gives up at once when the service refuses the payout with a 4xx", async () => {
    const { ticketNo } = await openTicket(server, admin, agent, { category: "delivery", subType: "refused" });
    service.script = () => ({ status: 422, body: { error: "original payment account closed" } });
    await client(server.url, agent).post(`/api/v1/tickets/${ticketNo}/remedies`, {});
    await server.app.jobs.runAll();
    const [payout] = (await ledgerOf(ticketNo)).entries;
    expect(payout).toMatchObject({ status: "failed", attempts: 1 });
    expect(payout.lastError).toContain("account closed");
  });

  it("refuses an unsigned callback", async () => {
    const r = await fetch(`${server.url}/api/v1/payments/callback`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ idempotencyKey: "FD20260101000001-R1-P0", status: "succeeded", reference: "x" }),
    });
    expect(r.status).toBe(401);
    expect((await r.json()).error.code).toBe("BAD_SIGNATURE");
  });
});

describe("payment settings", () => {
  it("default to the simulator, and check the webhook's URL and secret", () => {
    expect(paymentSettings({}).adapter).toBe("simulator");
    expect(paymentSettings({ PAYMENT_SIM_FAILURE_RATE: "0.25" }).simulator.failureRate).toBe(0.25);
    expect(() => paymentSettings({ PAYMENT_SIM_FAILURE_RATE: "2" })).toThrow(ConfigError);
    expect(() => paymentSettings({ PAYMENT_ADAPTER: "webhook", PAYMENT_WEBHOOK_URL: "http://x" })).toThrow(
      /PAYMENT_WEBHOOK_SECRET/,
    );
    expect(
      paymentSettings({
        PAYMENT_ADAPTER: "webhook",
        PAYMENT_WEBHOOK_URL: "https://pay.example",
        PAYMENT_WEBHOOK_SECRET: SECRET,
      }).webhook,
    ).toEqual({ url: "https://pay.example", secret: SECRET, timeoutMs: 10_000 });
    expect(() => paymentSettings({ PAYMENT_ADAPTER: "alipay" })).toThrow(ConfigError);
  });

  it("sign and verify alike, and refuse a stale timestamp", () => {
    const now = new Date("2026-11-25T04:00:00Z");
    const ts = String(now.getTime() / 1000);
    const sig = signBody(SECRET, ts, '{"a":1}');
    expect(verifySignature(SECRET, ts, '{"a":1}', sig, now)).toBe(true);
    expect(verifySignature(SECRET, ts, '{"a":2}', sig, now)).toBe(false);
    expect(verifySignature(SECRET, ts, '{"a":1}', sig, new Date(now.getTime() + 600_000))).toBe(false);
  });

  it("the simulator answers a repeated key with its first payout", async () => {
    const sim = new PaymentSimulator(0, 0, 0);
    const request = {
      idempotencyKey: "K",
      kind: "refund" as const,
      amountFen: 1,
      orderNo: "O",
      ticketNo: "T",
      remedyId: "R",
    };
    const a = await sim.pay(request);
    const b = await sim.pay(request);
    expect(a).toEqual(b);
    expect(sim.payouts.size).toBe(1);
    expect(sim.callsByKey.get("K")).toBe(2);
  });
});
