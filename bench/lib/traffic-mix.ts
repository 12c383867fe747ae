/**
 * A day's traffic in miniature for the load and soak benches, sent open-loop at a fixed rate: request i
 * is due at i / rate seconds whether or not earlier ones have been answered, and its latency counts from
 * that moment, so a saturated server shows up as a growing p99 instead of a politely slower client.
 *
 * The mix (of requests): intake 50 %, customers reading their progress 20 %, staff reading the queue 15 %,
 * staff replies 10 %, resolutions 5 % (a resolution is two requests: in progress, then resolved).
 * Every intake has an order of its own (seeded before the step through the order system's PUT).
 */
import http from "node:http";
import { intakeBodyOf, orderNoOf, orderOf, percentile, phoneOf } from "./intake-fixture.ts";

type Kind = "intake" | "progress" | "queue" | "reply" | "resolve";
const PATTERN: Kind[] = [
  ...Array<Kind>(10).fill("intake"),
  ...Array<Kind>(4).fill("progress"),
  ...Array<Kind>(3).fill("queue"),
  ...Array<Kind>(2).fill("reply"),
  "resolve",
];

export interface StepResult {
  offeredPerS: number;
  /** 2xx answers per second, from the first scheduled request to the last answer. */
  okPerS: number;
  intakesPerS: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  requests: number;
  byKind: Record<string, { n: number; p99Ms: number; errors: number }>;
  errorSamples: string[];
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });

function send(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      `${base}${path}`,
      {
        method,
        agent,
        headers: {
          ...headers,
          ...(payload
            ? { "content-type": "application/json", "content-length": Buffer.byteLength(payload) }
            : {}),
        },
        timeout: 30_000,
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c) => {
          text += c;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout after 30 s")));
    req.on("error", reject);
    req.end(payload);
  });
}

export class TrafficMix {
  private nextOrder = 0;
  private seededUpTo = 0;
  /** Tickets filed by this mix: customers read them, staff reply to and resolve them. */
  private filed: { ticketNo: string; i: number }[] = [];
  private toReply: string[] = [];
  private toResolve: string[] = [];
  private tokens: { admin: string; agent: string; supervisor: string }[] = [];
  private seq = 0;

  constructor(private readonly urls: string[]) {}

  /** Intakes answered 201 so far. */
  get filedCount(): number {
    return this.filed.length;
  }

  async login(): Promise<void> {
    const as = async (url: string, username: string) => {
      const r = await send(url, "POST", "/api/v1/auth/login", {}, { username, password: "demo123456" });
      if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${r.body}`);
      return `Bearer ${JSON.parse(r.body).token}`;
    };
    for (const url of this.urls)
      this.tokens.push({
        admin: await as(url, "admin"),
        agent: await as(url, "agent1"),
        supervisor: await as(url, "supervisor1"),
      });
  }

  /** Orders for the next `n` intakes, through the order system's PUT, 32 at a time. */
  async seedOrders(n: number): Promise<void> {
    const to = this.seededUpTo + n;
    const now = new Date();
    let next = this.seededUpTo;
    const worker = async () => {
      while (next < to) {
        const i = next++;
        const k = i % this.urls.length;
        const r = await send(
          this.urls[k]!,
          "PUT",
          `/api/v1/orders/${orderNoOf(i)}`,
          {
            authorization: this.tokens[k]!.admin,
          },
          orderOf(i, now),
        );
        if (r.status >= 300) throw new Error(`seeding order ${i}: ${r.status} ${r.body}`);
      }
    };
    await Promise.all(Array.from({ length: 32 }, worker));
    this.seededUpTo = to;
  }

  /** Sends the mix at `rate` requests a second for `seconds`, spread round-robin over the processes. */
  async run(rate: number, seconds: number): Promise<StepResult> {
    const total = Math.round(rate * seconds);
    const intakes = Math.ceil(total / 2) + 50;
    if (this.seededUpTo - this.nextOrder < intakes)
      await this.seedOrders(intakes - (this.seededUpTo - this.nextOrder));
    const latencies: Record<string, number[]> = {};
    const errors: Record<string, number> = {};
    const samples: string[] = [];
    let ok = 0;
    let okIntakes = 0;
    let lastDone = 0;
    const inFlight = new Set<Promise<void>>();
    const start = performance.now();
    let sent = 0;
    await new Promise<void>((resolve) => {
      const tick = () => {
        const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
        while (sent < due) {
          const scheduled = start + (sent / rate) * 1000;
          const kind = PATTERN[this.seq++ % PATTERN.length]!;
          const p = this.one(kind, sent % this.urls.length)
            .then(
              (status) => {
                latencies[kind] = latencies[kind] ?? [];
                latencies[kind].push(performance.now() - scheduled);
                if (status < 300) {
                  ok++;
                  if (kind === "intake") okIntakes++;
                } else {
                  errors[kind] = (errors[kind] ?? 0) + 1;
                  if (samples.length < 3) samples.push(`${kind} → ${status} ${this.lastError}`);
                }
              },
              (error: Error) => {
                errors[kind] = (errors[kind] ?? 0) + 1;
                if (samples.length < 5) samples.push(`${kind} → ${error.message}`);
              },
            )
            .finally(() => {
              lastDone = performance.now();
              inFlight.delete(p);
            });
          inFlight.add(p);
          sent++;
        }
        if (sent < total) setTimeout(tick, 1);
        else resolve();
      };
      tick();
    });
    await Promise.all([...inFlight]);
    const elapsed = (Math.max(lastDone, start + seconds * 1000) - start) / 1000;
    const all = Object.values(latencies)
      .flat()
      .sort((a, b) => a - b);
    const byKind: StepResult["byKind"] = {};
    for (const kind of new Set(PATTERN)) {
      const l = (latencies[kind] ?? []).sort((a, b) => a - b);
      byKind[kind] = { n: l.length, p99Ms: round(percentile(l, 99)), errors: errors[kind] ?? 0 };
    }
    const errorCount = Object.values(errors).reduce((s, n) => s + n, 0);
    return {
      offeredPerS: rate,
      okPerS: round(ok / elapsed),
      intakesPerS: round(okIntakes / elapsed),
      p50Ms: round(percentile(all, 50)),
      p99Ms: round(percentile(all, 99)),
      errors: errorCount,
      requests: sent,
      byKind,
      errorSamples: samples,
    };
  }

  /** One request of the mix; answers its HTTP status (the last one, for a resolution). */
  private lastError = "";

  private async one(kind: Kind, k: number): Promise<number> {
    const r = await this.request(kind, k);
    if (r.status >= 300) this.lastError = r.body.slice(0, 300);
    return r.status;
  }

  private async request(kind: Kind, k: number): Promise<{ status: number; body: string }> {
    const url = this.urls[k]!;
    const tokens = this.tokens[k]!;
    const known = this.filed.length ? this.filed[Math.floor(Math.random() * this.filed.length)] : undefined;
    if (kind === "intake" || (!known && kind !== "queue")) {
      const i = this.nextOrder++;
      const r = await send(url, "POST", "/api/v1/tickets", {}, customerBodyOf(i));
      if (r.status === 201) {
        const { ticketNo } = JSON.parse(r.body);
        this.filed.push({ ticketNo, i });
        this.toReply.push(ticketNo);
      }
      return r;
    }
    if (kind === "queue")
      return await send(url, "GET", "/api/v1/tickets?status=new,in_progress&limit=20", {
        authorization: tokens.agent,
      });
    if (kind === "progress")
      return await send(
        url,
        "GET",
        `/api/v1/tickets/${known!.ticketNo}/progress?phone=${phoneOf(known!.i)}`,
        {},
      );
    const auth = { authorization: tokens.supervisor };
    if (kind === "reply") {
      // The oldest unanswered first, as an agent works the queue; with none left, a follow-up reply.
      const first = this.toReply.shift();
      const r = await send(url, "POST", `/api/v1/tickets/${first ?? known!.ticketNo}/replies`, auth, {
        body: "您好，已收到您的反馈，正在联系商家核实，稍后给您答复。",
        visibility: "customer",
      });
      if (r.status === 201 && first) this.toResolve.push(first);
      return r;
    }
    const ticketNo = this.toResolve.shift();
    if (!ticketNo) return send(url, "GET", "/api/v1/tickets?limit=20", { authorization: tokens.agent });
    const working = await send(url, "POST", `/api/v1/tickets/${ticketNo}/transitions`, auth, {
      to: "in_progress",
    });
    if (working.status !== 200 && working.status !== 409) return working;
    return send(url, "POST", `/api/v1/tickets/${ticketNo}/transitions`, auth, {
      to: "resolved",
      reason: "已退款",
    });
  }
}

/**
 * The app and web forms ask customers for at least 100 characters (integrations may send less): the
 * fixture's description, then what customers typically add.
 */
function customerBodyOf(i: number): Record<string, unknown> {
  const body = intakeBodyOf(i);
  return {
    ...body,
    channel: "app",
    description: `${body.description}补充一下：我已经在订单页面上传了照片，也试过联系商家和客服热线，但是一直没有人回复，希望平台尽快给一个明确的处理结果和时间，谢谢。`,
  };
}

const round = (x: number) => Math.round(x * 100) / 100;
