import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { archiveDue, archiveMonth, preparePartitions } from "../src/modules/archive/archive.commands.ts";
import { addMonths, monthOf } from "../src/modules/archive/archive.domain.ts";
import { runRetention } from "../src/modules/privacy/privacy.commands.ts";
import { startServerWithOwnDatabase } from "./helpers/own-database.ts";
import { client, fileAppTicket, login, type TestServer } from "./helpers/server.ts";

let server: TestServer;
const realNow = new Date();
const current = monthOf(realNow);
// Old enough to archive under the default ARCHIVE_AFTER_MONTHS (24), each month with its own story.
const early = addMonths(current, -31); // no partition when its ticket arrives: the default partition
const archivable = addMonths(current, -30); // closed tickets only
const held = addMonths(current, -29); // a closed ticket of a customer under a legal hold
const open = addMonths(current, -28); // a ticket never closed

/** Moves the server's clock to the 15th of a Shanghai month, 12:00 there. */
function clockTo(month: string): Date {
  const target = new Date(`${month}-15T04:00:00Z`);
  server.clock.advance((target.getTime() - server.clock.now().getTime()) / 1000);
  return target;
}

const q = async <T>(text: string, ...params: unknown[]) => {
  const parts = text.split("?");
  const query = sql.join(
    parts.map((p, i) => (i < params.length ? sql`${sql.raw(p)}${params[i]}` : sql.raw(p))),
    sql``,
  );
  return (await sql<T>`${query}`.execute(server.app.ctx.db)).rows;
};

const inHotTable = async (ticketNo: string) =>
  (await q("select 1 from tickets where ticket_no = ?", ticketNo)).length === 1;

/** The partitions holding a ticket's events, by tableoid. */
const eventPartitionsOf = async (ticketNo: string) =>
  (
    await q<{ p: string }>(
      "select distinct tableoid::regclass::text as p from ticket_events where ticket_no = ? order by 1",
      ticketNo,
    )
  ).map((r) => r.p);

const part = (month: string, prefix = "fd") => `ticket_events_${prefix}_${month.replace("-", "_")}`;

/** A ticket received at the server's current time, through the public intake, for a new customer's order. */
async function ticketNow(): Promise<{ ticketNo: string; phone: string }> {
  const paidAt = new Date(server.clock.now().getTime() - 3600_000).toISOString();
  const { ticketNo, phone } = await fileAppTicket(server.url, await login(server.url, "admin"), { paidAt });
  return { ticketNo, phone };
}

async function close(ticketNo: string): Promise<void> {
  const agent = client(server.url, await login(server.url, "agent1"));
  expect((await agent.post(`/api/v1/tickets/${ticketNo}/take`)).status).toBe(200);
  const reply = await agent.post(`/api/v1/tickets/${ticketNo}/replies`, {
    body: "已为您处理",
    visibility: "customer",
  });
  expect(reply.status).toBe(201);
  for (const to of ["resolved", "closed"])
    expect((await agent.post(`/api/v1/tickets/${ticketNo}/transitions`, { to })).body.status).toBe(to);
}

const tickets: Record<string, { ticketNo: string; phone: string }[]> = {};

beforeAll(async () => {
  server = await startServerWithOwnDatabase("partitions");
  // The months of the story, oldest first; the first one's partitions are never made.
  clockTo(archivable);
  const prepared = await preparePartitions(server.app.ctx);
  expect(prepared.created).toContain(part(archivable));
  clockTo(early);
  tickets[early] = [await ticketNow()];
  await close(tickets[early][0]!.ticketNo);
  clockTo(archivable);
  tickets[archivable] = [await ticketNow(), await ticketNow()];
  await close(tickets[archivable][0]!.ticketNo);
  clockTo(held);
  // Closed the month after: its last events sit in the next month's partition.
  await close(tickets[archivable][1]!.ticketNo);
  tickets[held] = [await ticketNow()];
  await close(tickets[held][0]!.ticketNo);
  clockTo(open);
  tickets[open] = [await ticketNow()];
  // Back to today: the outbox consumers (reports, notifications …) catch up, the hold is placed, and the
  // retention run anonymises what it may, as it would have every day since.
  server.clock.advance((realNow.getTime() - server.clock.now().getTime()) / 1000);
  // The hold comes first: the jobs below include the daily retention run, which would otherwise
  // anonymise the held customer's tickets before the hold exists.
  const admin = client(server.url, await login(server.url, "admin"));
  const hold = await admin.post("/api/v1/privacy/legal-holds", {
    phone: tickets[held][0]!.phone,
    reason: "诉讼保全",
  });
  expect(hold.status).toBe(201);
  await server.app.jobs.runAll();
  await runRetention(server.app.ctx, { dryRun: false, actor: "test", actorRole: "admin" });
}, 120_000);
afterAll(() => server?.close());

describe("month partitions", () => {
  it("file every event of a ticket under its number's line and month, even those written months later", async () => {
    const [a, b] = tickets[archivable]!;
    expect(a!.ticketNo.slice(2, 8)).toBe(archivable.replace("-", ""));
    expect(await eventPartitionsOf(a!.ticketNo)).toEqual([part(archivable)]);
    // b was closed in the next month: its closing events still sit with its ticket's month.
    const closedAt = await q<{ at: Date }>(
      "select at from ticket_events where ticket_no = ? and type = 'status_changed' order by id desc limit 1",
      b!.ticketNo,
    );
    expect(closedAt.length).toBe(1);
    expect(closedAt[0]!.at.toISOString().slice(0, 7)).toBe(held);
    expect(await eventPartitionsOf(b!.ticketNo)).toEqual([part(archivable)]);
    expect(await eventPartitionsOf(tickets[open]![0]!.ticketNo)).toEqual([part(open)]);
  });

  it("leave tickets one table", async () => {
    expect(await q("select relkind from pg_class where oid = 'tickets'::regclass")).toEqual([
      { relkind: "r" },
    ]);
    expect(await q("select 1 from pg_inherits where inhparent = 'tickets'::regclass")).toEqual([]);
  });

  it("take the events of a month without partitions into the default partition, and maintenance still runs", async () => {
    const lone = tickets[early]![0]!.ticketNo;
    expect(await eventPartitionsOf(lone)).toEqual(["ticket_events_default"]);
    clockTo(early);
    const prepared = await preparePartitions(server.app.ctx);
    server.clock.advance((realNow.getTime() - server.clock.now().getTime()) / 1000);
    // FD's month stays in the default partition (its rows are there already); the other lines get theirs.
    expect(prepared.inDefault).toContain(part(early));
    expect(prepared.created).toContain(part(early, "ec"));
    expect(await eventPartitionsOf(lone)).toEqual(["ticket_events_default"]);
  });

  it("are made ahead for this month and the next two of every line, once", async () => {
    await preparePartitions(server.app.ctx);
    const names = (
      await q<{ n: string }>(
        "select c.relname as n from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'ticket_events'::regclass",
      )
    ).map((r) => r.n);
    for (const prefix of ["fd", "ff", "bs", "ec"])
      for (const m of [0, 1, 2]) expect(names).toContain(part(addMonths(current, m), prefix));
    expect(await preparePartitions(server.app.ctx)).toEqual({ created: [], inDefault: [] });
  });

  it("let the timeline of a ticket read one partition", async () => {
    const plan = (
      await q<{ "QUERY PLAN": string }>(
        "explain select * from ticket_events where ticket_no = ? order by id",
        tickets[open]![0]!.ticketNo,
      )
    )
      .map((r) => r["QUERY PLAN"])
      .join("\n");
    expect(plan).toContain(part(open));
    expect(plan.match(/ticket_events_\w+/g)!.filter((n) => !n.startsWith(part(open)))).toEqual([]);
  });
});

describe("archiving a month", () => {
  it("refuses a month with an open ticket, naming it", async () => {
    const report = await archiveMonth(server.app.ctx, open, { actor: "test", actorRole: "admin" });
    expect(report.outcome).toBe("refused");
    expect(report.reasons.map((r) => r.code)).toContain("OPEN_TICKETS");
    expect(report.reasons.find((r) => r.code === "OPEN_TICKETS")!.examples).toEqual([
      tickets[open]![0]!.ticketNo,
    ]);
    expect(await inHotTable(tickets[open]![0]!.ticketNo)).toBe(true);
    expect(await eventPartitionsOf(tickets[open]![0]!.ticketNo)).toEqual([part(open)]);
  });

  it("refuses a month with a customer under a legal hold", async () => {
    const report = await archiveMonth(server.app.ctx, held, { actor: "test", actorRole: "admin" });
    expect(report.outcome).toBe("refused");
    expect(report.reasons.map((r) => r.code)).toContain("LEGAL_HOLD");
    expect(await inHotTable(tickets[held]![0]!.ticketNo)).toBe(true);
  });

  it("refuses a month younger than ARCHIVE_AFTER_MONTHS", async () => {
    const report = await archiveMonth(server.app.ctx, addMonths(current, -3), {
      actor: "test",
      actorRole: "admin",
    });
    expect(report.reasons.map((r) => r.code)).toEqual(["TOO_RECENT"]);
  });

  it("moves a closed, anonymised month's tickets, dependent rows and event partition into the archive schema", async () => {
    const nos = tickets[archivable]!.map((t) => t.ticketNo).sort();
    const count = async (table: string) =>
      (
        await q<{ n: number }>(
          `select count(*)::int as n from ${table} where ticket_no in (?, ?)`,
          nos[0],
          nos[1],
        )
      )[0]!.n;
    const clocksBefore = await count("sla_clocks");
    expect(clocksBefore).toBeGreaterThan(0);
    const eventsBefore = await count("ticket_events");
    const heldEvents = await count(part(held));

    const dry = await archiveMonth(
      server.app.ctx,
      archivable,
      { actor: "test", actorRole: "admin" },
      { dryRun: true },
    );
    expect(dry).toMatchObject({ outcome: "dry_run", tickets: 2, events: eventsBefore });
    expect(await inHotTable(nos[0]!)).toBe(true);

    const report = await archiveMonth(server.app.ctx, archivable, { actor: "test", actorRole: "admin" });
    expect(report).toMatchObject({ outcome: "archived", tickets: 2, events: eventsBefore });
    expect(report.moved.sla_clocks).toBe(clocksBefore);

    expect(await inHotTable(nos[0]!)).toBe(false);
    expect(await inHotTable(nos[1]!)).toBe(false);
    expect(await count("ticket_events")).toBe(0);
    expect(await count("sla_clocks")).toBe(0);
    expect(await count(part(held))).toBe(heldEvents);
    const archived = await q<{ ticket_no: string; status: string }>(
      "select ticket_no, status from archive.tickets order by ticket_no",
    );
    expect(archived).toEqual(nos.map((ticket_no) => ({ ticket_no, status: "closed" })));
    // The event partition left whole: detached, in the archive schema, with every event of the month.
    expect(await count(`archive.${part(archivable)}`)).toBe(eventsBefore);
    expect(
      await q("select 1 from pg_inherits where inhrelid = to_regclass(?)", `archive.${part(archivable)}`),
    ).toEqual([]);
    expect(await q("select to_regclass(?) as t", part(archivable))).toEqual([{ t: null }]);
    expect(await count("archive.sla_clocks")).toBe(clocksBefore);
    const runs = await q<{ outcome: string; tickets: number }>(
      "select outcome, tickets from archive_runs where month = ? and actor = 'test' order by id",
      archivable,
    );
    expect(runs).toEqual([
      { outcome: "dry_run", tickets: 2 },
      { outcome: "archived", tickets: 2 },
    ]);
    expect(
      await q("select target from audit_events where action = 'archive.month' and target = ?", archivable),
    ).toEqual([{ target: archivable }]);

    // Other months are untouched.
    expect(await inHotTable(tickets[held]![0]!.ticketNo)).toBe(true);
    expect(await eventPartitionsOf(tickets[open]![0]!.ticketNo)).toEqual([part(open)]);
    expect(await eventPartitionsOf(tickets[early]![0]!.ticketNo)).toEqual(["ticket_events_default"]);
  });

  it("archives, once a day, the due months the job finds, events of the default partition included", async () => {
    // The jobs run in beforeAll took today's pass (all refused then: nothing was anonymised yet).
    server.clock.advance(86_400);
    const reports = await archiveDue(server.app.ctx);
    const byMonth = Object.fromEntries(reports.map((r) => [r.month, r.outcome]));
    expect(byMonth).toMatchObject({ [early]: "archived", [held]: "refused", [open]: "refused" });
    const lone = tickets[early]![0]!.ticketNo;
    expect(await inHotTable(lone)).toBe(false);
    expect(await eventPartitionsOf(lone)).toEqual([]);
    expect(await q("select ticket_no from archive.tickets where ticket_no = ?", lone)).toEqual([
      { ticket_no: lone },
    ]);
    const moved = await q<{ n: number }>(`select count(*)::int as n from archive.${part(early)}`);
    expect(moved[0]!.n).toBe(reports.find((r) => r.month === early)!.events);
    expect(await archiveDue(server.app.ctx)).toEqual([]);
    server.clock.advance(-86_400);
  });

  it("leaves the service of current tickets as it was", async () => {
    const { ticketNo, phone } = await ticketNow();
    expect(ticketNo.slice(2, 8)).toBe(current.replace("-", ""));
    expect(await eventPartitionsOf(ticketNo)).toEqual([part(current)]);
    const staff = client(server.url, await login(server.url, "agent1"));
    expect((await staff.get(`/api/v1/tickets/${ticketNo}`)).body.events[0].type).toBe("received");
    expect(
      (await staff.get(`/api/v1/tickets?q=${ticketNo}`)).body.items.map(
        (t: { ticketNo: string }) => t.ticketNo,
      ),
    ).toEqual([ticketNo]);
    const progress = await client(server.url).get(`/api/v1/tickets/${ticketNo}/progress?phone=${phone}`);
    expect(progress.status).toBe(200);
    // An archived ticket is no longer served: its number answers like an unknown one.
    const gone = tickets[archivable]![0]!;
    expect(
      (await client(server.url).get(`/api/v1/tickets/${gone.ticketNo}/progress?phone=${gone.phone}`)).status,
    ).toBe(404);
  });
});
