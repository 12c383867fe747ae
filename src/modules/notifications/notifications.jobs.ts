import type { AppContext } from "../../platform/context.ts";
import { type Poller, serialPoller } from "../../platform/jobs.ts";
import type { BusinessLine, PolicyPack } from "../../policy-packs/schema.ts";
import { lockOutboxCursor, moveOutboxCursor, type OutboxRow, outboxAfter } from "../tickets/outbox.store.ts";
import { type ChannelAdapter, errorText, PermanentFailure } from "./channels/channel.ts";
import type { Channels } from "./channels/index.ts";
import { afterFailure, type RetryPolicy, sendableAt } from "./delivery.domain.ts";
import { type NoticeSettings, planNotices, type TicketFacts } from "./notices.domain.ts";
import {
  claimDueNotices,
  customTemplates,
  insertNotices,
  type NewNotice,
  recordAttempt,
  recordSent,
} from "./notifications.store.ts";
import { SHIPPED_TEMPLATES } from "./shipped-templates.ts";
import { pickTemplate, render, type Template } from "./templates.domain.ts";

/**
 * Two pollers. The writer reads the event outbox after its cursor and turns each event into notices in
 * the transaction that moves the cursor: every event is handled once, by one process. In-app messages
 * are delivered by being written. The sender claims the notices due now, hands each to its channel
 * outside any transaction (a slow provider holds no lock), and records the outcome: sent, tried again
 * after a back-off, or dead-lettered for staff to retry.
 */

const CONSUMER = "notifications";
const EVENT_BATCH = 200;
const SEND_BATCH = 20;
/** Longer than any send may take: a notice claimed by a process that died is tried again after it. */
const LEASE_SECONDS = 120;

export const settingsOf = (pack: PolicyPack | undefined): NoticeSettings => ({
  quietHours: pack?.notifications?.quietHours,
  smsWhenPhoneKnown: pack?.notifications?.smsWhenPhoneKnown ?? false,
});

export function retryPolicyOf(ctx: AppContext): RetryPolicy {
  return {
    maxAttempts: ctx.config.notifications.maxAttempts,
    baseSeconds: ctx.config.notifications.retryBaseSeconds,
    maxDelaySeconds: 3600,
  };
}

const factsOf = (r: OutboxRow): TicketFacts => ({
  ticketNo: r.ticket_no,
  businessLine: r.business_line,
  channel: r.channel,
  customerPhone: r.customer_phone,
  contactEmail: typeof r.details?.contactEmail === "string" ? r.details.contactEmail : null,
  wechatOpenId: typeof r.details?.wechatOpenId === "string" ? r.details.wechatOpenId : null,
  urgent: r.urgent,
  category: r.category,
  firstResponseDueAt: new Date(r.first_response_due_at),
});

function noticesOf(
  ctx: AppContext,
  r: OutboxRow,
  custom: ReadonlyMap<string, Template>,
  now: Date,
): NewNotice[] {
  const pack = ctx.packs.get(r.business_line as BusinessLine);
  const settings = settingsOf(pack);
  const trackingUrl = `${ctx.config.publicUrl}/h5/progress/${r.ticket_no}`;
  const locale = r.details?.locale === "en" ? "en" : "zh-CN";
  const planned = planNotices(
    { id: r.id, type: r.type, actor: r.actor, visibility: r.visibility, data: r.data },
    factsOf(r),
    pack,
    settings,
    { trackingUrl },
    locale,
  );
  return planned.flatMap((p): NewNotice[] => {
    const picked = pickTemplate(
      { businessLine: r.business_line, channel: p.channel, locale: p.locale, kind: p.kind },
      custom,
      SHIPPED_TEMPLATES,
    );
    if (!picked) return [];
    const subject = picked.template.subject ? render(picked.template.subject, p.values) : null;
    const body = render(picked.template.body, p.values);
    const base = {
      ticket_no: r.ticket_no,
      business_line: r.business_line,
      event_id: r.id,
      kind: p.kind,
      audience: p.audience,
      channel: p.channel,
      recipient: p.recipient,
      locale: p.locale,
      subject,
      body,
      urgent: p.urgent,
      max_attempts: ctx.config.notifications.maxAttempts,
      created_at: now,
    };
    // A message in our own inbox is delivered by being stored, and rings nothing at night.
    if (p.channel === "in_app")
      return [{ ...base, status: "sent" as const, provider: "in_app", sent_at: now, next_attempt_at: null }];
    const at = sendableAt(now, settings.quietHours, p.urgent);
    return [{ ...base, status: "pending" as const, next_attempt_at: at, held_until: at > now ? at : null }];
  });
}

/** One batch of events into notices. Returns how many events it handled. */
export async function writeNotices(ctx: AppContext, now: Date, limit = EVENT_BATCH): Promise<number> {
  // Read before the transaction: on PGlite a query outside an open transaction would wait for it.
  const custom = await customTemplates(ctx.db);
  return ctx.db.transaction().execute(async (trx) => {
    const cursor = await lockOutboxCursor(trx, CONSUMER);
    if (!cursor) return 0;
    const rows = await outboxAfter(trx, cursor, limit);
    if (!rows.length) return 0;
    await insertNotices(
      trx,
      rows.flatMap((r) => noticesOf(ctx, r, custom, now)),
    );
    const last = rows[rows.length - 1]!;
    await moveOutboxCursor(trx, CONSUMER, { tx: last.tx, id: last.id });
    return rows.length;
  });
}

/** One batch of due notices through their channels. Returns how many it tried. */
export async function sendDueNotices(
  ctx: AppContext,
  channels: Channels,
  now: Date,
  limit = SEND_BATCH,
): Promise<number> {
  const claimed = await claimDueNotices(ctx.db, now, LEASE_SECONDS, limit);
  const policy = retryPolicyOf(ctx);
  // Side by side: one slow or failing provider does not hold up the notices of the others.
  await Promise.all(
    claimed.map(async (n) => {
      const adapter: ChannelAdapter | undefined = channels[n.channel as keyof Channels];
      try {
        if (!adapter) throw new PermanentFailure(`no adapter for channel ${n.channel}`);
        const { reference } = await adapter.send({
          id: n.id,
          ticketNo: n.ticket_no,
          kind: n.kind,
          recipient: n.recipient,
          subject: n.subject,
          body: n.body,
        });
        await recordSent(ctx.db, {
          id: n.id,
          attempts: n.attempts,
          provider: adapter.provider,
          reference,
          at: ctx.clock.now(),
        });
      } catch (error) {
        const quiet = settingsOf(ctx.packs.get(n.business_line as BusinessLine)).quietHours;
        const next = afterFailure(
          n.attempts,
          now,
          policy,
          error instanceof PermanentFailure,
          quiet,
          n.urgent,
        );
        await recordAttempt(ctx.db, n.id, n.attempts, {
          provider: adapter?.provider ?? null,
          last_error: errorText(error),
          ...(next.status === "dead"
            ? { status: "dead" as const, dead_at: now, next_attempt_at: null }
            : { next_attempt_at: next.status === "pending" ? next.nextAttemptAt : null }),
        });
      }
    }),
  );
  return claimed.length;
}

export const noticeWriter = (ctx: AppContext): Poller =>
  serialPoller("notices.write", 1, (now) => writeNotices(ctx, now), EVENT_BATCH);

export const noticeSender = (ctx: AppContext, channels: Channels): Poller =>
  serialPoller("notices.send", 1, (now) => sendDueNotices(ctx, channels, now), SEND_BATCH);
