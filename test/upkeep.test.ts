import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { housekeeping } from "../src/modules/system/housekeeping.jobs.ts";
import { checkpointIfDue, upkeepTable, upkeepTables } from "../src/modules/system/upkeep.jobs.ts";
import { served } from "./helpers/served.ts";
import { client, createOrder, LONG_TEXT } from "./helpers/server.ts";

/**
 * The embedded database's autovacuum and checkpoints. On PostgreSQL the server does both by itself and the
 * poller is not started, so these tests run on PGlite only.
 */
describe.skipIf(Boolean(process.env.TEST_DATABASE_URL))("database upkeep on PGlite", () => {
  const app = served("admin");
  const db = () => app.server.app.ctx.db;

  /** Per table: dead row versions, and when it was last vacuumed. */
  async function tableStats() {
    await sql`select pg_stat_force_next_flush()`.execute(db()); // flushed as that statement ends
    const r = await sql<{ table: string; dead: number; vacuumed: Date | null }>`
      select relname as "table", n_dead_tup::int as dead, last_vacuum as vacuumed
      from pg_stat_user_tables`.execute(db());
    return new Map(r.rows.map((row) => [row.table, row]));
  }

  beforeAll(async () => {
    // 80 requests sent with an Idempotency-Key; a week later housekeeping deletes the keys.
    for (let i = 0; i < 80; i++) {
      const { phone, orderNo } = await createOrder(app.url, app.token.admin);
      const r = await client(app.url).post(
        "/api/v1/tickets",
        { channel: "app", phone, orderNo, description: LONG_TEXT },
        { "idempotency-key": randomUUID() },
      );
      expect(r.status).toBe(201);
    }
    await housekeeping(db()).poll(new Date(Date.now() + 8 * 86_400_000));
  });

  it("reclaims deleted rows, and leaves alone what changed too little to be worth it", async () => {
    const before = await tableStats();
    expect(before.get("idempotency_keys")?.dead).toBeGreaterThanOrEqual(80);

    const said: string[] = [];
    expect(await upkeepTables(db(), (line) => said.push(line))).toBeGreaterThan(0);
    // The operator's log says what was done and how long each table held the single session.
    expect(said).toEqual([
      expect.stringMatching(/^database upkeep: .*vacuum( \(analyze\))? public\.idempotency_keys \d+ ms/),
    ]);

    const after = await tableStats();
    expect(after.get("idempotency_keys")).toMatchObject({ dead: 0, vacuumed: expect.any(Date) });
    // Nothing is due any more: the next minute's poll does nothing.
    expect(await upkeepTables(db())).toBe(0);
  });

  it("passes over a table gone since the statistics were read (a month's partition archived meanwhile)", async () => {
    await expect(
      upkeepTable(db(), { table: "public.ticket_events_gone", vacuum: true, analyze: true }),
    ).resolves.toBeNull();
  });

  it("checkpoints, so the log a crash would replay starts again from there", async () => {
    const walSinceCheckpoint = async () =>
      (
        await sql<{ bytes: number }>`
          select (pg_current_wal_insert_lsn() - redo_lsn)::float8 as bytes from pg_control_checkpoint()`.execute(
          db(),
        )
      ).rows[0]!.bytes;
    expect(await walSinceCheckpoint()).toBeGreaterThan(64 * 1024); // the 80 requests' WAL
    const said: string[] = [];
    // Due at any size here: the 256 MB and five-minute rules themselves are unit-tested.
    expect(await checkpointIfDue(db(), (line) => said.push(line), 1)).toBe(1);
    expect(said).toEqual([
      expect.stringMatching(/^database upkeep: checkpoint after \d+ MB of WAL in \d+ s, \d+ ms$/),
    ]);
    expect(await walSinceCheckpoint()).toBeLessThan(64 * 1024);
  });

  it("is one of the app's jobs, and after a pass nothing is due", async () => {
    await app.server.app.jobs.drain("database.upkeep");
    expect(await upkeepTables(db())).toBe(0);
    expect(await checkpointIfDue(db())).toBe(0);
  });
});
