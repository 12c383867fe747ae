import { sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type ChannelAdapter, PermanentFailure } from "../src/modules/notifications/channels/channel.ts";
import type { Channels } from "../src/modules/notifications/channels/index.ts";
import { sendDueNotices } from "../src/modules/notifications/notifications.jobs.ts";
import { insertNotices, type NewNotice } from "../src/modules/notifications/notifications.store.ts";
import { startServerWithOwnDatabase } from "./helpers/own-database.ts";
import { fileAppTicket, login, type TestServer } from "./helpers/server.ts";

/**
 * The sender's page: many notices claimed at once, a bounded number of provider calls in flight, the
 * outcomes of one page recorded together, and the notices a page could not start in time given back.
 */
let server: TestServer;
let ticketNo: string;
const NOW = new Date("2026-03-02T04:00:00.000Z"); // 12:00 in Beijing, outside every pack's quiet hours

beforeAll(async () => {
  server = await startServerWithOwnDatabase("notisend", { NOTIFY_MAX_ATTEMPTS: "3" });
  ({ ticketNo } = await fileAppTicket(server.url, await login(server.url, "admin")));
});
afterAll(async () => server?.close());
beforeEach(async () => {
  await sql`delete from notifications`.execute(server.app.ctx.db);
});

/** SMS notices due now, to recipients `to`, in one event. */
async function dueSms(to: string[]) {
  const rows: NewNotice[] = to.map((recipient) => ({
    ticket_no: ticketNo,
    business_line: "food_delivery",
    event_id: "900001",
    kind: "reply",
    audience: "customer",
    channel: "sms",
    recipient,
    locale: "zh-CN",
    subject: null,
    body: `hello ${recipient}`,
    urgent: false,
    status: "pending",
    provider: null,
    max_attempts: 3,
    next_attempt_at: NOW,
    held_until: null,
    created_at: NOW,
    sent_at: null,
  }));
  await server.app.ctx.db.transaction().execute((trx) => insertNotices(trx, rows));
}

/** An SMS provider that takes `ms` per call, counting how many calls it has at once. */
function smsProvider(ms: number, answer: (recipient: string) => string) {
  const seen = { calls: [] as string[], inFlight: 0, most: 0 };
  const adapter: ChannelAdapter = {
    channel: "sms",
    provider: "sms-test",
    async send(n) {
      seen.calls.push(n.recipient);
      seen.most = Math.max(seen.most, ++seen.inFlight);
      await new Promise((r) => setTimeout(r, ms));
      seen.inFlight--;
      if (n.recipient.startsWith("down")) throw new Error("gateway down");
      if (n.recipient.startsWith("refused")) throw new PermanentFailure("no such number");
      return { reference: answer(n.recipient) };
    },
  };
  return { seen, channels: { sms: adapter } as unknown as Channels };
}

const stored = async () =>
  (
    await server.app.ctx.db
      .selectFrom("notifications")
      .select([
        "recipient",
        "status",
        "attempts",
        "provider",
        "provider_ref",
        "next_attempt_at",
        "last_error",
        "sent_at",
        "dead_at",
      ])
      .execute()
  ).reduce((all, n) => all.set(n.recipient, n), new Map<string, Record<string, unknown>>());

describe("the notice sender", () => {
  it("claims a page of notices, calls the provider at most 20 at a time, and records every outcome", async () => {
    const ok = Array.from({ length: 40 }, (_, i) => `ok${i}`);
    await dueSms([...ok, "down1", "refused1"]);
    const { seen, channels } = smsProvider(5, (r) => `ref-${r}`);

    expect(await sendDueNotices(server.app.ctx, channels, NOW)).toBe(42);
    expect(seen.calls).toHaveLength(42);
    expect(seen.most).toBe(20);

    const rows = await stored();
    for (const r of ok)
      expect(rows.get(r)).toMatchObject({
        status: "sent",
        attempts: 1,
        provider: "sms-test",
        provider_ref: `ref-${r}`,
        next_attempt_at: null,
        last_error: null,
      });
    expect(rows.get("down1")).toMatchObject({
      status: "pending",
      attempts: 1,
      provider: "sms-test",
      provider_ref: null,
      last_error: "gateway down",
      next_attempt_at: new Date(NOW.getTime() + 30_000), // the first back-off, 30 s by default
      sent_at: null,
      dead_at: null,
    });
    expect(rows.get("refused1")).toMatchObject({
      status: "dead",
      attempts: 1,
      last_error: "no such number",
      next_attempt_at: null,
      dead_at: NOW,
    });
    // Nothing is due any more: the sent and the dead are done, the failed one waits for its back-off.
    expect(await sendDueNotices(server.app.ctx, channels, NOW)).toBe(0);
  });

  it("gives back, their attempt uncounted, the notices of a page it could not start in time", async () => {
    await dueSms(Array.from({ length: 30 }, (_, i) => `slow${i}`));
    const { seen, channels } = smsProvider(50, () => "ref");

    // Only the first turn of 20 starts within 20 ms: the other 10 are given back, due again now.
    expect(await sendDueNotices(server.app.ctx, channels, NOW, 200, 20)).toBe(30);
    expect(seen.calls).toHaveLength(20);
    const rows = [...(await stored()).values()];
    expect(rows.filter((n) => n.status === "sent")).toHaveLength(20);
    const given = rows.filter((n) => n.status === "pending");
    expect(given).toHaveLength(10);
    for (const n of given) expect(n).toMatchObject({ attempts: 0, next_attempt_at: NOW, provider: null });

    expect(await sendDueNotices(server.app.ctx, channels, NOW)).toBe(10);
    expect(new Set(seen.calls).size).toBe(30);
  });
});
