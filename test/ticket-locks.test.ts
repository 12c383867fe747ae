import { describe, expect, it } from "vitest";
import { appendEvent, lockTicket } from "../src/modules/tickets/tickets.store.ts";
import { served } from "./helpers/served.ts";
import { fileAppTicket } from "./helpers/server.ts";
import { signal } from "./helpers/signal.ts";

/**
 * A staff command holds its ticket's row for its transaction. Writers that only point at the ticket (a
 * payment's result, an incident link, a merged duplicate's key check) must not queue behind it: they did
 * while the lock was `for update`, and a merge against a command on its duplicate deadlocked (a 500).
 * PostgreSQL only: PGlite is one session, where a transaction held open here holds up everything.
 */
describe.skipIf(!process.env.TEST_DATABASE_URL)("a ticket locked by a staff command", () => {
  const app = served("admin");

  it("still takes the events others write about it, at once", async () => {
    const { ticketNo } = await fileAppTicket(app.url, app.token.admin);
    const db = app.server.app.ctx.db;
    const locked = signal();
    const done = signal();
    const command = db.transaction().execute(async (trx) => {
      await lockTicket(trx, ticketNo);
      locked.give();
      await done.reached;
    });
    try {
      await locked.reached;
      const written = await Promise.race([
        appendEvent(
          db,
          ticketNo,
          { id: null, name: "system", role: "system" },
          { type: "incident_linked", visibility: "internal", data: { incidentId: "INC-TEST" } },
          new Date(),
        ).then(() => "written" as const),
        new Promise<"still waiting">((r) => setTimeout(() => r("still waiting"), 5_000)),
      ]);
      expect(written).toBe("written");
    } finally {
      done.give();
      await command;
    }
  });
});
