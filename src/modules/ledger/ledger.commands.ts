import type { Transaction } from "kysely";
import type { Database } from "../../db/schema.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError, conflict, text } from "../../platform/errors.ts";
import type { Poller } from "../../platform/jobs.ts";
import { publishTicket, reopenMoneyOrder, SYSTEM, syncMoneyOrder } from "../execution/execution.commands.ts";
import { feedbackEvent, payoutFeedback } from "../follow-up/result-feedback.domain.ts";
import { isMoneyKind, REFUND_KINDS, type RemedyItem } from "../remedies/remedies.domain.ts";
import { calendarOf } from "../sla/calendar.store.ts";
import { type Actor, appendEvent, lockTicket, type TicketRow } from "../tickets/tickets.store.ts";
import { canSeeTicket, type Principal } from "../users/roles.ts";
import {
  chargedParty,
  chargeKey,
  claim,
  newPayment,
  type ProviderResult,
  payoutKey,
  reserve,
  retryFailed,
  settle,
} from "./ledger.domain.ts";
import {
  claimDuePayouts,
  type EntryRow,
  findEntry,
  finishAttempt,
  insertEntries,
  lockAccount,
  lockEntry,
  saveAccount,
  saveEntryState,
  startAttempt,
  stateOf,
} from "./ledger.store.ts";
import { type PayoutRequest, paymentsOf } from "./payments.ts";

/**
 * The ledger's commands: reserving and opening payouts when a remedy is approved, paying what is due
 * (claim in one short transaction, call the provider outside any transaction, record the answer in
 * another), and finance's retry. The provider is never called while a row is locked.
 */

export interface ApprovedRemedy {
  id: string;
  ticketNo: string;
  orderNo: string;
  paidFen: number;
  items: readonly RemedyItem[];
  compensationCapFen: number;
  authorisedBy: string;
}

/** Reserves the remedy's money on the order's account and opens one payout per money item. */
export async function openPayouts(
  trx: Transaction<Database>,
  ctx: AppContext,
  remedy: ApprovedRemedy,
  orders: readonly { id: string; itemIndexes: number[]; blocked: boolean }[],
  now: Date,
): Promise<void> {
  const sum = (pick: (item: RemedyItem) => boolean) =>
    remedy.items.filter(pick).reduce((s, i) => s + (i.amountFen ?? 0), 0);
  const account = await lockAccount(trx, remedy.orderNo, remedy.paidFen, now);
  const reserved = reserve(account, {
    refundFen: sum((i) => REFUND_KINDS.includes(i.kind)),
    compensationFen: sum((i) => i.kind === "compensation"),
    capFen: remedy.compensationCapFen,
  });
  if ("problem" in reserved)
    throw conflict(
      reserved.problem,
      reserved.problem === "REFUND_EXCEEDS_PAID"
        ? text("退款将超过订单实付金额", "The refunds would exceed what was paid for the order")
        : text("赔偿将超过本单上限", "The compensation would exceed the order's cap"),
    );
  await saveAccount(trx, remedy.orderNo, reserved.account, now);
  const { retry } = paymentsOf(ctx).settings;
  const rows = remedy.items.flatMap((item, index) => {
    if (!isMoneyKind(item.kind) || !item.amountFen) return [];
    const order = orders.find((o) => o.itemIndexes.includes(index));
    const state = newPayment(!!order?.blocked, now, retry);
    const key = payoutKey(remedy.id, index);
    return [
      {
        id: key,
        idempotency_key: key,
        order_no: remedy.orderNo,
        ticket_no: remedy.ticketNo,
        remedy_id: remedy.id,
        item_index: index,
        execution_order_id: order?.id ?? null,
        kind: item.kind as EntryRow["kind"],
        direction: "payout" as const,
        party: "customer",
        party_id: null,
        payer: item.payer,
        amount_fen: item.amountFen,
        status: state.status,
        max_attempts: state.maxAttempts,
        next_attempt_at: state.nextAttemptAt,
        authorised_by: remedy.authorisedBy,
        created_at: now,
        updated_at: now,
      },
    ];
  });
  await insertEntries(trx, rows);
}

export interface Claimed {
  entry: EntryRow;
  attempt: number;
}

/** Takes the due payouts (optionally of one remedy) for one attempt each; other workers skip them. */
async function claimPayouts(
  ctx: AppContext,
  now: Date,
  limit: number,
  remedyId?: string,
): Promise<Claimed[]> {
  const { adapter, settings } = paymentsOf(ctx);
  return ctx.db.transaction().execute(async (trx) => {
    const rows = await claimDuePayouts(trx, now, limit, remedyId);
    const claimed: Claimed[] = [];
    for (const row of rows) {
      const next = claim(stateOf(row), now, settings.retry);
      await saveEntryState(trx, row.id, next, now, adapter.name);
      await startAttempt(trx, row.id, next.attempts, adapter.name, now);
      claimed.push({ entry: row, attempt: next.attempts });
    }
    return claimed;
  });
}

const requestOf = (e: EntryRow): PayoutRequest => ({
  idempotencyKey: e.idempotency_key,
  kind: e.kind,
  amountFen: e.amount_fen,
  orderNo: e.order_no,
  ticketNo: e.ticket_no,
  remedyId: e.remedy_id,
});

/** Pays what is due now: each claimed payout is one call to the provider, its answer recorded at once. */
export async function payDue(
  ctx: AppContext,
  options: { remedyId?: string; limit?: number; now?: Date } = {},
): Promise<number> {
  const payments = paymentsOf(ctx);
  const claimed = await claimPayouts(
    ctx,
    options.now ?? ctx.clock.now(),
    options.limit ?? payments.settings.batch,
    options.remedyId,
  );
  await Promise.all(
    claimed.map(async ({ entry, attempt }) => {
      let result: ProviderResult;
      try {
        result = await payments.adapter.pay(requestOf(entry));
      } catch (error) {
        // No answer is not "no payment": the next attempt asks again under the same key.
        result = { outcome: "failed", retryable: true, error: (error as Error).message || String(error) };
      }
      await recordResult(ctx, entry.id, attempt, result);
    }),
  );
  return claimed.length;
}

/**
 * The provider's answer, in one transaction with everything it causes: the entry's state, the attempt's
 * trace, the charge to the liable party, the money order's progress and the ticket's events.
 * `attempt` null: a callback, which speaks for the entry's current attempt.
 */
export async function recordResult(
  ctx: AppContext,
  entryId: string,
  attempt: number | null,
  result: ProviderResult,
): Promise<EntryRow | undefined> {
  const calendar = await calendarOf(ctx.db);
  const { settings } = paymentsOf(ctx);
  let ticket: TicketRow | undefined;
  const entry = await ctx.db.transaction().execute(async (trx) => {
    const found = await findEntry(trx, entryId);
    if (!found) return undefined;
    ticket = await lockTicket(trx, found.ticket_no);
    const row = (await lockEntry(trx, entryId))!;
    const now = ctx.clock.now();
    const current = attempt ?? row.attempts;
    const { state, effect } = settle(stateOf(row), current, result, now, settings.retry);
    const outcome =
      effect === "paid" ? "succeeded" : result.outcome === "succeeded" ? "confirmed" : result.outcome;
    await finishAttempt(
      trx,
      entryId,
      current,
      outcome,
      result.outcome === "failed" ? null : result.reference,
      result.outcome === "failed" ? result.error : null,
      now,
    );
    if (effect === "ignored") return row;
    await saveEntryState(trx, entryId, state, now);
    if (effect === "paid") await paid(trx, ticket!, row, state.providerRef!, now);
    if (effect === "gave_up")
      await appendEvent(
        trx,
        row.ticket_no,
        SYSTEM,
        {
          type: "payment_failed",
          visibility: "internal",
          data: {
            entryId,
            kind: row.kind,
            amountFen: row.amount_fen,
            attempts: state.attempts,
            error: state.lastError,
          },
        },
        now,
      );
    if (row.execution_order_id)
      await syncMoneyOrder(trx, ctx, calendar, ticket!, row.execution_order_id, now);
    return { ...row, ...state };
  });
  if (ticket) publishTicket(ctx, ticket);
  return entry as EntryRow | undefined;
}

/**
 * Money reached the customer: say so on the timeline, and charge whoever bears it. The result feedback,
 * in plain words with the reference, is what the customer sees and is told; the payment event is then
 * the staff's record, so the customer does not hear of one payout twice.
 */
async function paid(
  trx: Transaction<Database>,
  ticket: TicketRow,
  e: EntryRow,
  reference: string,
  now: Date,
) {
  const feedback = payoutFeedback(e.kind, e.amount_fen, reference);
  await appendEvent(
    trx,
    e.ticket_no,
    SYSTEM,
    {
      type: "payment_succeeded",
      visibility: feedback ? "internal" : "customer",
      data: { entryId: e.id, remedyId: e.remedy_id, kind: e.kind, amountFen: e.amount_fen, reference },
    },
    now,
  );
  if (feedback)
    await appendEvent(
      trx,
      e.ticket_no,
      SYSTEM,
      feedbackEvent(feedback, { kind: e.kind, amountFen: e.amount_fen, reference, entryId: e.id }),
      now,
    );
  const party = chargedParty(e.payer);
  if (!party) return;
  const key = chargeKey(e.remedy_id, e.item_index);
  await insertEntries(trx, [
    {
      id: key,
      idempotency_key: key,
      order_no: e.order_no,
      ticket_no: e.ticket_no,
      remedy_id: e.remedy_id,
      item_index: e.item_index,
      execution_order_id: null,
      kind: "charge",
      direction: "charge",
      party,
      party_id: party === "merchant" ? ticket.merchant_id : party === "rider" ? ticket.rider_id : null,
      payer: e.payer,
      amount_fen: e.amount_fen,
      status: "recorded",
      max_attempts: 0,
      authorised_by: e.authorised_by,
      created_at: now,
      updated_at: now,
      settled_at: now,
    },
  ]);
}

/** Finance asks the provider again after a final failure: another round of attempts, same key. */
export async function retryPayout(ctx: AppContext, p: Principal, entryId: string): Promise<EntryRow> {
  const { settings } = paymentsOf(ctx);
  const notFound = () => new AppError("NOT_FOUND", 404, text("账目不存在", "Ledger entry not found"));
  const entry = await ctx.db.transaction().execute(async (trx) => {
    const found = await findEntry(trx, entryId);
    if (!found) throw notFound();
    const ticket = await lockTicket(trx, found.ticket_no);
    if (!ticket || !canSeeTicket(p, ticket)) throw notFound();
    const row = (await lockEntry(trx, entryId))!;
    if (row.status !== "failed")
      throw conflict(
        "PAYMENT_NOT_FAILED",
        text("只有失败的付款可以重试", "Only a failed payment is retried"),
      );
    const now = ctx.clock.now();
    const next = retryFailed(stateOf(row), now, settings.retry);
    await saveEntryState(trx, entryId, next, now);
    const actor: Actor = { id: p.id, name: p.name, role: p.role };
    await appendEvent(
      trx,
      row.ticket_no,
      actor,
      {
        type: "payment_retried",
        visibility: "internal",
        data: { entryId, kind: row.kind, amountFen: row.amount_fen },
      },
      now,
    );
    if (row.execution_order_id) await reopenMoneyOrder(trx, row.execution_order_id, now);
    return { ...row, ...next };
  });
  return entry;
}

/** The poller that pays: a batch of due payouts per tick, in every process at once if need be. */
export function paymentsPoller(ctx: AppContext): Poller {
  const { settings } = paymentsOf(ctx);
  return {
    name: "payments",
    everySeconds: settings.everySeconds,
    poll: (now) => payDue(ctx, { now }),
  };
}
