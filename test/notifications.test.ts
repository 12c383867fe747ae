import type { AddressInfo } from "node:net";
import { sql } from "kysely";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendEvent } from "../src/modules/tickets/tickets.store.ts";
import { startServerWithOwnDatabase } from "./helpers/own-database.ts";
import { client, createOrder, LONG_TEXT, login, type TestServer } from "./helpers/server.ts";
import { signal } from "./helpers/signal.ts";
import { smsGateway } from "./helpers/sms-gateway.ts";
import { advanceClock, advanceClockTo, nextBeijing, runDueJobs } from "./helpers/test-clock.ts";

/**
 * Notices end to end with the test clock: e-mails received by a real SMTP server started here, SMS
 * through a local signed-HTTP provider that can be made to fail, in-app messages on the customer's API,
 * quiet hours, the dead-letter list and the template editor.
 */
const mails: { to: string; subject: string; text: string }[] = [];
let smtp: SMTPServer;
let sms: Awaited<ReturnType<typeof smsGateway>>;
let server: TestServer;
let admin: string;
let agent: string;
let supervisor: string;

const listen = (s: { listen(port: number, host: string, cb: () => void): unknown }) =>
  new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          mails.push({
            to: mail.to ? String((mail.to as { text: string }).text) : "",
            subject: mail.subject ?? "",
            text: mail.text ?? "",
          });
          callback();
        },
        (error) => callback(error),
      );
    },
  });
  await listen(smtp.server);
  sms = await smsGateway();
  server = await startServerWithOwnDatabase("notify", {
    AFTERSALE_TEST_CLOCK: "1",
    SMTP_HOST: "127.0.0.1",
    SMTP_PORT_OUT: String((smtp.server.address() as AddressInfo).port),
    SMTP_FROM: "售后服务 <service@aftersale.test>",
    ...sms.env,
    NOTIFY_MAX_ATTEMPTS: "3",
    NOTIFY_RETRY_BASE_SECONDS: "60",
  });
  // Day time in Beijing, so only the quiet-hours test meets the night.
  await advanceClockTo(server, nextBeijing(await runDueJobs(server), "10:00"));
  await logInAll();
});

/** Sessions expire as the clock moves hours ahead: log in again after a long move. */
async function logInAll() {
  admin = await login(server.url, "admin");
  agent = await login(server.url, "agent1");
  supervisor = await login(server.url, "supervisor1");
}

afterAll(async () => {
  await server?.close();
  await new Promise((r) => smtp?.close(() => r(undefined)));
  await sms?.close();
});

/**
 * Runs the due jobs until the notice writer has read every event. On PostgreSQL it reads only events of
 * transactions older than every transaction still running in the cluster, so another test run's open
 * transaction on the same server delays (never loses) them: wait for it, in real time, a little.
 */
async function settle(): Promise<void> {
  for (let i = 0; i < 50; i++) {
    await runDueJobs(server);
    const behind = await sql<{ n: number }>`
      select count(*)::int as n from ticket_events e, outbox_cursors c
      where c.consumer = 'notifications' and e.tx is not null and (e.tx, e.id) > (c.last_tx, c.last_id)`.execute(
      server.app.ctx.db,
    );
    if (!behind.rows[0]?.n) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("the notice writer did not catch up with the outbox");
}

/** A request registered by an agent on the customer's channel (phone and e-mail need staff). */
async function fileTicket(channel: "app" | "phone" | "email", extra: Record<string, unknown> = {}) {
  const { phone, orderNo } = await createOrder(server.url, admin);
  const r = await client(server.url, channel === "app" ? undefined : agent).post("/api/v1/tickets", {
    channel,
    phone,
    orderNo,
    description: LONG_TEXT,
    ...extra,
  });
  expect(r.status).toBe(201);
  return { ticketNo: r.body.ticketNo as string, phone };
}

const logOf = async (ticketNo: string) => {
  const r = await client(server.url, agent).get(`/api/v1/tickets/${ticketNo}/notifications`);
  expect(r.status).toBe(200);
  return r.body.items as any[];
};
const smsTo = (phone: string) => sms.to(phone);

describe("e-mail notices", () => {
  it("reach the customer's mailbox through a real SMTP server, the ticket number in the subject", async () => {
    const { ticketNo } = await fileTicket("email", { email: "li.lei@example.com" });
    await settle();
    const mail = mails.find((m) => m.to.includes("li.lei@example.com"));
    expect(mail?.subject).toContain(ticketNo);
    expect(mail?.text).toContain("已受理");

    const log = await logOf(ticketNo);
    expect(log.find((n) => n.channel === "email")).toMatchObject({
      kind: "received",
      status: "sent",
      provider: "smtp",
      recipient: "l***@example.com",
      attempts: 1,
    });
    // Personal data stays with staff: no token, no log; a bad address is named.
    expect((await client(server.url).get(`/api/v1/tickets/${ticketNo}/notifications`)).status).toBe(401);
    const bad = await client(server.url, agent).post("/api/v1/tickets", {
      channel: "email",
      ...(await createOrder(server.url, admin)),
      description: LONG_TEXT,
      email: "not-an-address",
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toContainEqual(
      expect.objectContaining({ field: "email", code: "INVALID_EMAIL" }),
    );
  });
});

describe("in-app messages", () => {
  it("show the customer's notices, and no internal note, on the messages API", async () => {
    const { ticketNo, phone } = await fileTicket("app", { expectedResolution: "refund" });
    const staff = client(server.url, agent);
    expect((await staff.post(`/api/v1/tickets/${ticketNo}/take`)).status).toBe(200);
    await staff.post(`/api/v1/tickets/${ticketNo}/replies`, {
      body: "已为您全额退款",
      visibility: "customer",
    });
    await staff.post(`/api/v1/tickets/${ticketNo}/replies`, {
      body: "内部备注：骑手超时",
      visibility: "internal",
    });
    await settle();

    const r = await client(server.url).get(`/api/v1/tickets/${ticketNo}/messages?phone=${phone}`);
    expect(r.status).toBe(200);
    const bodies = r.body.items.map((m: any) => m.body).join("\n");
    expect(r.body.items.map((m: any) => m.kind)).toEqual(["received", "reply"]);
    expect(bodies).toContain("已为您全额退款");
    expect(bodies).not.toContain("内部备注");
    // The same 404 as the progress page for a wrong phone and an unknown ticket.
    expect(
      (await client(server.url).get(`/api/v1/tickets/${ticketNo}/messages?phone=13900000000`)).status,
    ).toBe(404);
    expect(
      (await client(server.url).get(`/api/v1/tickets/FD20200101999999/messages?phone=${phone}`)).status,
    ).toBe(404);
  });
});

describe("a failing SMS provider", () => {
  it("is retried with back-off, then dead-lettered without holding up other notices, and retried from the list", async () => {
    sms.failing = true;
    const { ticketNo, phone } = await fileTicket("phone");
    const other = await fileTicket("email", { email: "han.meimei@example.com" });
    await settle();
    expect(smsTo(phone).map((c) => c.status)).toEqual([500]);
    expect(smsTo(phone)[0]!.signed).toBe(true);
    // The e-mail of another ticket went out meanwhile.
    expect(mails.some((m) => m.subject.includes(other.ticketNo))).toBe(true);

    let notice = (await logOf(ticketNo)).find((n) => n.channel === "sms");
    expect(notice).toMatchObject({
      status: "pending",
      attempts: 1,
      lastError: expect.stringContaining("500"),
    });
    await advanceClock(server, 50); // the first back-off is 60 s: not yet
    expect(smsTo(phone)).toHaveLength(1);
    await advanceClock(server, 11);
    expect(smsTo(phone)).toHaveLength(2);
    await advanceClock(server, 121); // then 120 s, and the third attempt is the last
    expect(smsTo(phone)).toHaveLength(3);
    await advanceClock(server, 600);
    expect(smsTo(phone)).toHaveLength(3);

    notice = (await logOf(ticketNo)).find((n) => n.channel === "sms");
    expect(notice).toMatchObject({
      status: "dead",
      attempts: 3,
      recipient: `${phone.slice(0, 3)}****${phone.slice(-4)}`,
    });
    const dead = await client(server.url, supervisor).get("/api/v1/notifications/dead-letters");
    expect(dead.status).toBe(200);
    expect(dead.body.items.find((n: any) => n.id === notice.id)).toMatchObject({ ticketNo, channel: "sms" });
    expect(JSON.stringify(dead.body)).not.toContain(phone);
    expect((await client(server.url, agent).get("/api/v1/notifications/dead-letters")).status).toBe(403);

    sms.failing = false;
    const retried = await client(server.url, supervisor).post(`/api/v1/notifications/${notice.id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ status: "pending", attempts: 0, retriedBy: "supervisor1" });
    await settle();
    expect(smsTo(phone).at(-1)).toMatchObject({
      status: 200,
      signed: true,
      text: expect.stringContaining(ticketNo),
    });
    expect((await logOf(ticketNo)).find((n) => n.channel === "sms")).toMatchObject({
      status: "sent",
      provider: "sms-http",
    });
    expect(
      (await client(server.url, supervisor).post(`/api/v1/notifications/${notice.id}/retry`)).status,
    ).toBe(404);
  });
});

describe("quiet hours", () => {
  it("hold a night-time status notice until 08:00, while the receipt goes at once", async () => {
    const night = await advanceClockTo(server, nextBeijing(await runDueJobs(server), "23:00"));
    await logInAll();
    const { ticketNo, phone } = await fileTicket("phone");
    await settle();
    expect(smsTo(phone)).toHaveLength(1); // the receipt
    expect(
      (await client(server.url, agent).post(`/api/v1/tickets/${ticketNo}/transitions`, { to: "in_progress" }))
        .status,
    ).toBe(200);
    await settle();
    const morning = nextBeijing(night, "08:00");
    const held = (await logOf(ticketNo)).find((n) => n.channel === "sms" && n.kind === "status_changed");
    expect(held).toMatchObject({ status: "pending", heldUntil: morning.toISOString(), attempts: 0 });

    await advanceClockTo(server, new Date(morning.getTime() - 60_000));
    expect(smsTo(phone)).toHaveLength(1);
    await advanceClockTo(server, new Date(morning.getTime() + 1000));
    expect(smsTo(phone)).toHaveLength(2);
    expect(smsTo(phone)[1]!.text).toContain("处理中");
    await logInAll();
  });
});

describe("the template editor", () => {
  it("refuses an unknown variable naming the field, and a saved template is what customers get", async () => {
    const put = (token: string, body: unknown) =>
      client(server.url, token).put("/api/v1/notification-templates/food_delivery/sms/zh-CN/reply", body);
    const bad = await put(admin, { body: "{{ticketNo}} 客服回复：{{reply}}，退款 {{refundAmount}}" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([
      expect.objectContaining({
        field: "body",
        code: "UNKNOWN_VARIABLE",
        message: expect.stringContaining("refundAmount"),
      }),
    ]);
    expect((await put(agent, { body: "{{reply}}" })).status).toBe(403);

    const saved = await put(admin, { body: "【外卖售后】{{ticketNo}}：{{reply}}" });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ source: "custom", version: 1, updatedBy: "admin" });
    const listed = await client(server.url, admin).get(
      "/api/v1/notification-templates?businessLine=food_delivery&channel=sms&locale=zh-CN",
    );
    expect(listed.body.items.find((t: any) => t.kind === "reply")).toMatchObject({ source: "custom" });

    const { ticketNo, phone } = await fileTicket("phone");
    await client(server.url, agent).post(`/api/v1/tickets/${ticketNo}/replies`, {
      body: "明天补发",
      visibility: "customer",
    });
    await settle();
    expect(smsTo(phone).at(-1)?.text).toBe(`【外卖售后】${ticketNo}：明天补发`);
  });
});

describe("the outbox on PostgreSQL", () => {
  it.skipIf(!process.env.TEST_DATABASE_URL)(
    "never passes an event whose transaction commits after a later one's",
    async () => {
      const first = await fileTicket("app");
      await settle();
      const written = signal();
      const gate = signal();
      // A reply whose event id is drawn now but whose transaction commits only after another ticket's.
      const slow = server.app.ctx.db.transaction().execute(async (trx) => {
        await appendEvent(
          trx,
          first.ticketNo,
          { id: null, name: "agent1", role: "agent" },
          { type: "reply", visibility: "customer", data: { body: "慢事务里的回复" } },
          server.clock.now(),
        );
        written.give();
        await gate.reached;
      });
      await written.reached;
      const second = await fileTicket("app");
      await runDueJobs(server); // must not pass the open transaction's event
      gate.give();
      await slow;
      await settle();
      const messages = async (t: { ticketNo: string; phone: string }) =>
        (
          await client(server.url).get(`/api/v1/tickets/${t.ticketNo}/messages?phone=${t.phone}`)
        ).body.items.map((m: any) => m.kind);
      expect(await messages(first)).toEqual(["received", "reply"]);
      expect(await messages(second)).toEqual(["received"]);
    },
  );
});
