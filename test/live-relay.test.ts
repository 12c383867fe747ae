import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../src/db/schema.ts";
import { LiveBus, type TicketChanged } from "../src/platform/live.ts";
import { LIVE_CHANNEL, PgLiveRelay, TICKET_GATHER_MS } from "../src/platform/live-pg.ts";

/**
 * The live bus between two processes on one PostgreSQL, as two relays in this process: what one bus
 * publishes, the other delivers. PostgreSQL only (TEST_DATABASE_URL); PGlite keeps its bus in-process.
 */
const PG_URL = process.env.TEST_DATABASE_URL;
/**
 * The test's own changes carry this merchant: the other test files' servers share the database and its
 * channel, and their tickets' changes reach these relays too.
 */
const MERCHANT = "M-live-relay-test";

describe.skipIf(!PG_URL)("live bus across processes", () => {
  let pool: pg.Pool;
  let db: Kysely<Database>;
  const relays: PgLiveRelay[] = [];
  const sender = new LiveBus();
  const receiver = new LiveBus();
  const heard: TicketChanged[] = [];
  let notifies = 0;
  let watcher: pg.Client;

  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: PG_URL, max: 4 });
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    for (const bus of [sender, receiver]) {
      const relay = new PgLiveRelay(PG_URL!, db, bus, () => {});
      await relay.start();
      bus.relayThrough(relay);
      relays.push(relay);
    }
    receiver.subscribe((change) => {
      if (change.merchantId === MERCHANT) heard.push(change);
    });
    // Counts the NOTIFYs themselves, as every listening process would be woken by them.
    watcher = new pg.Client({ connectionString: PG_URL });
    await watcher.connect();
    watcher.on("notification", (n) => {
      if (n.channel === LIVE_CHANNEL && n.payload?.includes(MERCHANT)) notifies++;
    });
    await watcher.query(`listen ${LIVE_CHANNEL}`);
  });

  afterAll(async () => {
    for (const r of relays) await r.close();
    await watcher?.end();
    await db?.destroy();
  });

  const until = async (done: () => boolean, ms = 5000) => {
    const end = Date.now() + ms;
    while (!done() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  };

  it("delivers a stream of intakes' changes to the other process in order, in a few NOTIFYs", async () => {
    heard.length = 0;
    notifies = 0;
    const sent: TicketChanged[] = [];
    // 200 tickets received over about 100 ms, a few at a time, as a busy intake stores them.
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 10; i++) {
        const change: TicketChanged = {
          ticketNo: `FD20261206${String(round * 10 + i).padStart(6, "0")}`,
          type: "received",
          merchantId: MERCHANT,
          riderId: null,
        };
        sent.push(change);
        sender.publish(change);
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    await until(() => heard.length >= sent.length);
    expect(heard.map((c) => c.ticketNo)).toEqual(sent.map((c) => c.ticketNo));
    // One NOTIFY per gathering window at most, not one per batch of ten.
    expect(notifies).toBeGreaterThan(0);
    expect(notifies).toBeLessThanOrEqual(Math.ceil(150 / TICKET_GATHER_MS) + 1);
  });

  it("does not echo a process's own changes back to it", async () => {
    const own: TicketChanged[] = [];
    const off = sender.subscribe((c) => {
      if (c.merchantId === MERCHANT) own.push(c);
    });
    heard.length = 0;
    sender.publish({ ticketNo: "FD20261206999999", type: "received", merchantId: MERCHANT, riderId: null });
    await until(() => heard.length === 1);
    await new Promise((r) => setTimeout(r, 3 * TICKET_GATHER_MS));
    off();
    expect(heard).toHaveLength(1);
    expect(own).toHaveLength(1);
  });
});
