import type { AppContext } from "../../platform/context.ts";
import { type Poller, serialPoller } from "../../platform/jobs.ts";
import type { BusinessLine, PolicyPack } from "../../policy-packs/schema.ts";
import { lockOutboxCursor, moveOutboxCursor, type OutboxRow, outboxAfter } from "../tickets/outbox.store.ts";
import { type ChannelAdapter, errorText, PermanentFailure } from "./channels/channel.ts";
import type { Channels } from "./channels/index.ts";
import { afterFailure, type RetryPolicy, sendableAt } from "./delivery.domain.ts";
import { type NoticeSettings, planNotices, type TicketFacts } from "./notices.domain.ts";
import {
  type ClaimedNotice,
  claimDueNotices,
  customTemplates,
  insertNotices,
  type NewNotice,
  type Outcome,
  recordOutcome,
  releaseClaims,
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
/** Notices claimed at once: the claim and the recording of the outcomes are one statement each per page. */
const SEND_BATCH = 200;
/** Provider calls in flight at once, so a slow provider is not hammered. */
const SENDS_AT_ONCE = 20;
/** Longer than any send may take: a notice claimed by a process that died is tried again after it. */
const LEASE_SECONDS = 120;
/**
 * No send starts later than this after the claim (real time), so every send ends within the lease even
 * when slow providers make a page's turns long; the notices not started by then are given back.
 */
const START_WITHIN_MS = (LEASE_SECONDS * 1000) / 2;

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

/** The notices of one event; `nowText` is `now` as the rows carry it, written once per batch. */
function noticesOf(
  ctx: AppContext,
  r: OutboxRow,
  custom: ReadonlyMap<string, Template>,
  now: Date,
  nowText: string,
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
  const notices: NewNotice[] = [];
  for (const p of planned) {
    const picked = pickTemplate(
      { businessLine: r.business_line, channel: p.channel, locale: p.locale, kind: p.kind },
      custom,
      SHIPPED_TEMPLATES,
    );
    if (!picked) continue;
    // A message in our own inbox is delivered by being stored, and rings nothing at night.
    const inApp = p.channel === "in_app";
    const at = inApp ? now : sendableAt(now, settings.quietHours, p.urgent);
    const held = at > now;
    // Every row of one shape, built at once: thousands per batch, and JSON.stringify is fastest on those.
    notices.push({
      ticket_no: r.ticket_no,
      business_line: r.business_line,
      event_id: r.id,
      kind: p.kind,
      audience: p.audience,
      channel: p.channel,
      recipient: p.recipient,
      locale: p.locale,
      subject: picked.template.subject ? render(picked.template.subject, p.values) : null,
      body: render(picked.template.body, p.values),
      urgent: p.urgent,
      status: inApp ? "sent" : "pending",
      provider: inApp ? "in_app" : null,
      max_attempts: ctx.config.notifications.maxAttempts,
      next_attempt_at: inApp ? null : held ? at : nowText,
      held_until: held ? at : null,
      created_at: nowText,
      sent_at: inApp ? nowText : null,
    });
  }
  return notices;
}

/** One batch of events into notices. Returns how many events it handled. */
export async function writeNotices(ctx: AppContext, now: Date, limit = EVENT_BATCH): Promise<number> {
  return ctx.db.transaction().execute(async (trx) => {
    const cursor = await lockOutboxCursor(trx, CONSUMER);
    if (!cursor) return 0;
    const rows = await outboxAfter(trx, cursor, limit);
    if (!rows.length) return 0;
    // Read only when there are events to write, and on the transaction: on PGlite a query on `ctx.db`
    // would wait for the transaction to end.
    const custom = await customTemplates(trx);
    const nowText = now.toISOString();
    await insertNotices(
      trx,
      rows.flatMap((r) => noticesOf(ctx, r, custom, now, nowText)),
    );
    const last = rows[rows.length - 1]!;
    await moveOutboxCursor(trx, CONSUMER, { tx: last.tx, id: last.id });
    return rows.length;
  });
}

/**
 * One page of due notices through their channels, at most SENDS_AT_ONCE at a time: one slow or failing
 * provider does not hold up the notices of the others. Returns how many it claimed.
 */
export async function sendDueNotices(
  ctx: AppContext,
  channels: Channels,
  now: Date,
  limit = SEND_BATCH,
  startWithinMs = START_WITHIN_MS,
): Promise<number> {
  const claimed = await claimDueNotices(ctx.db, now, LEASE_SECONDS, limit);
  const policy = retryPolicyOf(ctx);
  const startBy = performance.now() + startWithinMs;
  // Outcomes are not awaited one by one: those of sends ending together are recorded together.
  const recorded: Promise<void>[] = [];
  let next = 0;
  const sender = async () => {
    while (next < claimed.length && performance.now() < startBy) {
      const outcome = await attempt(ctx, channels, claimed[next++]!, now, policy);
      const saved = recordOutcome(ctx.db, outcome);
      saved.catch(() => {}); // seen below, once the page is through: not an unhandled rejection meanwhile
      recorded.push(saved);
    }
  };
  await Promise.all(Array.from({ length: Math.min(SENDS_AT_ONCE, claimed.length) }, sender));
  await Promise.all([...recorded, releaseClaims(ctx.db, claimed.slice(next), now)]);
  return claimed.length;
}

/** Hands one claimed notice to its channel; answers how it went, never throws. */
async function attempt(
  ctx: AppContext,
  channels: Channels,
  n: ClaimedNotice,
  now: Date,
  policy: RetryPolicy,
): Promise<Outcome> {
  const adapter: ChannelAdapter | undefined = channels[n.channel as keyof Channels];
  const claim = { id: n.id, attempts: n.attempts, provider: adapter?.provider ?? null };
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
    return { ...claim, status: "sent", reference, at: ctx.clock.now() };
  } catch (error) {
    const quiet = settingsOf(ctx.packs.get(n.business_line as BusinessLine)).quietHours;
    const next = afterFailure(n.attempts, now, policy, error instanceof PermanentFailure, quiet, n.urgent);
    const failed = { ...claim, error: errorText(error), at: now };
    return next.status === "dead"
      ? { ...failed, status: "dead" }
      : {
          ...failed,
          status: "pending",
          nextAttemptAt: next.status === "pending" ? next.nextAttemptAt : null,
        };
  }
}

export const noticeWriter = (ctx: AppContext): Poller =>
  serialPoller("notices.write", 1, (now) => writeNotices(ctx, now), EVENT_BATCH);

export const noticeSender = (ctx: AppContext, channels: Channels): Poller =>
  serialPoller("notices.send", 1, (now) => sendDueNotices(ctx, channels, now), SEND_BATCH);
