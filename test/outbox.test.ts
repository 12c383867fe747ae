import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import type { Db } from "../src/db/database.ts";
import { lockOutboxCursor } from "../src/modules/tickets/outbox.store.ts";
import { served } from "./helpers/served.ts";

const app = served();

const setting = async (db: Db) =>
  (await sql<{ v: string }>`select current_setting('synchronous_commit') as v`.execute(db)).rows[0]!.v;

describe("an outbox consumer's transaction", () => {
  it("commits without waiting for the disk, and only that transaction", async () => {
    const db = app.server.app.ctx.db;
    const inside = await db.transaction().execute(async (trx) => {
      const cursor = await lockOutboxCursor(trx, "reports");
      expect(cursor).toBeDefined();
      return setting(trx);
    });
    expect(inside).toBe("off");
    // Intake, staff commands and the notice sender's claims keep the ordinary, durable commit.
    expect(await setting(db)).toBe("on");
    expect(await db.transaction().execute((trx) => setting(trx))).toBe("on");
  });
});
