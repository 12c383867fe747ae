import { createHmac } from "node:crypto";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { AppContext } from "../../platform/context.ts";
import { AppError, text } from "../../platform/errors.ts";
import { randomId } from "../../platform/ids.ts";
import { uploadsDir } from "../attachments/evidence.ts";
import { forgetSignIns } from "../customers/sign-in.store.ts";
import { ticketsOfPhone } from "../tickets/tickets.store.ts";
import type { Principal } from "../users/roles.ts";
import {
  DATA_KINDS,
  type DataKind,
  erasureBlockers,
  FINISHED_STATUSES,
  retentionDayDue,
  retentionRules,
} from "./privacy.domain.ts";
import {
  type AuditEvent,
  claimRetentionDay,
  dueForErasure,
  type Executor,
  eraseKind,
  erasureObstacleRows,
  erasuresOf,
  finishRetentionDay,
  insertAccess,
  insertAudit,
  listAccess,
  retentionOverrides,
  subjectRecords,
} from "./privacy.store.ts";

export type { AuditEvent } from "./privacy.store.ts";

/**
 * Records a configuration, role, policy or blacklist change: who, what, why. Call it inside the change's
 * transaction (pass the transaction as `db`) so a change is never stored without its audit line.
 */
export const recordAudit = (db: Executor, event: AuditEvent, at: Date): Promise<void> =>
  insertAudit(db, event, at);

/**
 * The stand-in for a phone once it is erased, and the key the access log files a person under: a keyed
 * hash, so the same customer keeps one token (repeat-customer counts survive) and nobody can reverse it
 * without the server's secret.
 */
export function subjectToken(ctx: AppContext, phone: string): string {
  if (phone.startsWith("anon:")) return phone;
  return `anon:${createHmac("sha256", ctx.config.authSecret).update(`subject:${phone}`).digest("hex").slice(0, 20)}`;
}

export interface PersonalDataView {
  phone: string;
  ticketNo: string | null;
  /** Which unmasked fields were shown: phone, name, address, description, attachment, order … */
  fields: string[];
}

/** Writes one access-log line per subject a staff member was shown unmasked. Integrations are logged too. */
export async function recordPersonalDataAccess(
  ctx: AppContext,
  who: Principal,
  route: string,
  views: PersonalDataView[],
): Promise<void> {
  await insertAccess(
    ctx.db,
    views
      .filter((v) => !v.phone.startsWith("anon:"))
      .map((v) => ({
        staffId: who.id,
        staffName: who.name,
        staffRole: who.role,
        subjectToken: subjectToken(ctx, v.phone),
        ticketNo: v.ticketNo,
        fields: v.fields,
        route,
      })),
    ctx.clock.now(),
  );
}

/** One access-log line as admins and the customer read it. */
export const accessEntry = (a: Awaited<ReturnType<typeof listAccess>>["items"][number]) => ({
  at: new Date(a.at).toISOString(),
  staff: a.staff_name,
  role: a.staff_role,
  subject: a.subject_token,
  ticketNo: a.ticket_no,
  fields: a.fields,
  route: a.route,
});

export interface RetentionItem {
  ticketNo: string;
  businessLine: string;
  dataKind: DataKind;
  closedAt: string;
  retentionMonths: number;
}

export interface RetentionReport {
  dryRun: boolean;
  at: string;
  counts: Record<DataKind, number>;
  /** The first few hundred items, for the operator to read; `counts` are complete. */
  items: RetentionItem[];
}

const BATCH = 100;
const LISTED = 500;

/**
 * One retention pass: every finished ticket past its kind's retention, not under a legal hold or open
 * dispute, has that kind erased (or, in a dry run, only listed). Each batch is one transaction; the files
 * of deleted attachments go after its commit. Every pass, dry or not, is an audit event.
 */
export async function runRetention(
  ctx: AppContext,
  opts: { dryRun: boolean; actor: string; actorRole: string },
): Promise<RetentionReport> {
  const now = ctx.clock.now();
  const lines = [...ctx.packs.values()].map((pack) => ({
    businessLine: pack.businessLine,
    months: pack.retention.months,
  }));
  const rules = retentionRules(lines, await retentionOverrides(ctx.db), now);
  const counts = Object.fromEntries(DATA_KINDS.map((k) => [k, 0])) as Record<DataKind, number>;
  const items: RetentionItem[] = [];
  for (const rule of rules) {
    let after = "";
    for (;;) {
      const due = await dueForErasure(
        ctx.db,
        rule.dataKind,
        rule.businessLine,
        rule.closedBefore,
        BATCH,
        after,
      );
      if (!due.length) break;
      after = due[due.length - 1]!.ticketNo;
      counts[rule.dataKind] += due.length;
      for (const c of due)
        if (items.length < LISTED)
          items.push({
            ticketNo: c.ticketNo,
            businessLine: c.businessLine,
            dataKind: rule.dataKind,
            closedAt: c.finishedAt.toISOString(),
            retentionMonths: rule.months,
          });
      if (!opts.dryRun) {
        const batch = due.map((c) => ({ ...c, token: subjectToken(ctx, c.customerPhone) }));
        const files = await ctx.db
          .transaction()
          .execute((trx) => eraseKind(trx, rule.dataKind, batch, "retention", now));
        await deleteEvidenceFiles(ctx, files);
      }
      if (due.length < BATCH) break;
    }
  }
  await recordAudit(
    ctx.db,
    {
      actor: opts.actor,
      actorRole: opts.actorRole,
      action: opts.dryRun ? "privacy.retention_dry_run" : "privacy.retention_run",
      target: "retention",
      data: { counts, rules: rules.map((r) => ({ ...r, closedBefore: r.closedBefore.toISOString() })) },
    },
    now,
  );
  return { dryRun: opts.dryRun, at: now.toISOString(), counts, items };
}

async function deleteEvidenceFiles(ctx: AppContext, ids: string[]): Promise<void> {
  const dir = uploadsDir(ctx);
  for (const id of ids)
    await Promise.all([
      rm(join(dir, id), { force: true }),
      rm(join(dir, `${id}.thumb.webp`), { force: true }),
    ]);
}

/** Runs the day's retention once per Beijing day after the quiet hour, in whichever process claims it. */
export async function retentionIfDue(ctx: AppContext): Promise<number> {
  const now = ctx.clock.now();
  const day = retentionDayDue(now);
  if (!day || !(await claimRetentionDay(ctx.db, day, now))) return 0;
  const report = await runRetention(ctx, { dryRun: false, actor: "system", actorRole: "system" });
  await finishRetentionDay(ctx.db, day, ctx.clock.now());
  return Object.values(report.counts).reduce((a, b) => a + b, 0) + 1;
}

/** Everything the platform holds about one customer (by phone), as the customer may take it away. */
export async function exportSubject(ctx: AppContext, phone: string) {
  const r = await subjectRecords(ctx.db, phone);
  const access = await listAccess(ctx.db, { subjectToken: subjectToken(ctx, phone), limit: 1000, offset: 0 });
  const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
  return {
    phone,
    exportedAt: ctx.clock.now().toISOString(),
    tickets: r.tickets.map((t) => ({
      ticketNo: t.ticket_no,
      businessLine: t.business_line,
      channel: t.channel,
      status: t.status,
      category: t.category,
      name: t.customer_name,
      orderNo: t.order_no,
      description: t.description,
      expectedResolution: t.expected_resolution,
      details: t.details,
      createdAt: iso(t.created_at)!,
      closedAt: iso(t.closed_at),
      timeline: r.events
        .filter((e) => e.ticket_no === t.ticket_no)
        .map((e) => ({ at: iso(e.at)!, type: e.type, data: e.data })),
      attachments: r.attachments
        .filter((a) => a.ticket_no === t.ticket_no)
        .map((a) => ({
          id: a.id,
          kind: a.kind,
          mime: a.mime,
          sizeBytes: a.size_bytes,
          uploadedAt: iso(a.uploaded_at)!,
        })),
    })),
    orders: r.orders.map((o) => ({
      orderNo: o.order_no,
      businessLine: o.business_line,
      merchantId: o.merchant_id,
      region: o.region,
      items: o.items,
      paidFen: o.paid_fen,
      paidAt: iso(o.paid_at)!,
    })),
    calls: r.calls.map((c) => ({
      callId: c.call_id,
      startedAt: iso(c.started_at)!,
      endedAt: iso(c.ended_at),
      ticketNo: c.ticket_no,
    })),
    accessLog: access.items.map(accessEntry),
  };
}

/**
 * A customer's erasure request: all their tickets' personal data is anonymised at once, unless a legal
 * hold, an open ticket, an unfinished remedy or an open dispute needs it; then nothing is touched and the
 * answer names every reason.
 */
export async function eraseSubject(
  ctx: AppContext,
  phone: string,
  who: { actor: string; actorRole: string; reason: string | null },
): Promise<{ tickets: number }> {
  const now = ctx.clock.now();
  const tickets = await ticketsOfPhone(ctx.db, phone);
  const nos = tickets.map((t) => t.ticket_no);
  const rows = await erasureObstacleRows(ctx.db, phone, nos);
  const blockers = erasureBlockers({
    ...rows,
    openTickets: tickets
      .filter((t) => !(FINISHED_STATUSES as readonly string[]).includes(t.status))
      .map((t) => t.ticket_no),
  });
  if (blockers.length)
    throw new AppError(
      "ERASURE_BLOCKED",
      409,
      text(
        "暂时无法删除您的个人信息，原因见明细",
        "Your personal data cannot be erased yet; see the reasons",
      ),
      blockers,
    );
  const token = subjectToken(ctx, phone);
  const done = new Set((await erasuresOf(ctx.db, nos)).map((e) => `${e.ticket_no}/${e.data_kind}`));
  const files = await ctx.db.transaction().execute(async (trx) => {
    const out: string[] = [];
    for (const kind of DATA_KINDS) {
      const batch = tickets
        .filter((t) => !done.has(`${t.ticket_no}/${kind}`))
        .map((t) => ({ ticketNo: t.ticket_no, customerPhone: phone, orderNo: t.order_no, token }));
      out.push(...(await eraseKind(trx, kind, batch, "request", now)));
    }
    await trx
      .updateTable("orders")
      .set({ customer_phone: token })
      .where("customer_phone", "=", phone)
      .execute();
    await forgetSignIns(trx, phone);
    await recordAudit(
      trx,
      {
        actor: who.actor,
        actorRole: who.actorRole,
        action: "privacy.erasure",
        target: token,
        reason: who.reason,
        data: { tickets: nos.length },
      },
      now,
    );
    return out;
  });
  await deleteEvidenceFiles(ctx, files);
  return { tickets: nos.length };
}

export const newHoldId = () => `LH${randomId(9)}`;
