import type { Transaction } from "kysely";
import type { Database } from "../../db/schema.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError, text } from "../../platform/errors.ts";
import { normalisePhone } from "../intake/intake.domain.ts";
import { afterMerchantStatus } from "../merchant-service/verification.commands.ts";
import { syncTicketClocks } from "../sla/sla.commands.ts";
import { actorOf } from "../tickets/tickets.commands.ts";
import { changeTicket } from "../tickets/tickets.store.ts";
import { canSeeTicket, type Principal } from "../users/roles.ts";
import { CUSTOMER, withLockedTicket } from "./follow-up.commands.ts";
import { cancelPending } from "./follow-up.store.ts";
import { withdrawalBlockers } from "./withdrawal.domain.ts";

async function underWay(trx: Transaction<Database>, ticketNo: string) {
  const [remedy, execution, mediation] = await Promise.all([
    trx
      .selectFrom("remedies")
      .select("id")
      .where("ticket_no", "=", ticketNo)
      .where("status", "in", ["pending_approval", "approved"])
      .executeTakeFirst(),
    trx
      .selectFrom("execution_orders")
      .select("id")
      .where("ticket_no", "=", ticketNo)
      .where("status", "in", ["open", "in_progress"])
      .executeTakeFirst(),
    trx
      .selectFrom("mediations")
      .select("id")
      .where("ticket_no", "=", ticketNo)
      .where("status", "=", "open")
      .executeTakeFirst(),
  ]);
  return { remedyUnderWay: !!remedy, executionUnderWay: !!execution, mediationOpen: !!mediation };
}

/** Who withdraws: the customer on the progress page (number + phone), or staff for a customer who called. */
export type Withdrawer = { phone: string } | { staff: Principal };

/**
 * The customer takes back their request: it closes without a resolution, in the customer's words, its
 * clocks stop, pending follow-ups are cancelled and a verification the merchant still owes is withdrawn.
 * Staff may do it for a customer who asks by phone (hotline customers have no progress page), under the
 * same rules, and the timeline says so. Refused with every reason at once when something is already under
 * way (withdrawal.domain.ts).
 */
export async function withdrawRequest(
  ctx: AppContext,
  ticketNo: string,
  by: Withdrawer,
  reason: string | null,
): Promise<{ status: string }> {
  return withLockedTicket(ctx, ticketNo, async (t, trx, now, calendar) => {
    // A wrong phone answers like an unknown ticket, as on the progress page; so does one staff cannot see.
    const known = "phone" in by ? t.customer_phone === normalisePhone(by.phone) : canSeeTicket(by.staff, t);
    if (!known) throw new AppError("NOT_FOUND", 404, text("服务单不存在", "Ticket not found"));
    const blockers = withdrawalBlockers({
      status: t.status,
      severity: t.severity,
      mergedInto: t.merged_into,
      ...(await underWay(trx, ticketNo)),
    });
    if (blockers.length)
      throw new AppError(
        "CANNOT_WITHDRAW",
        409,
        text("暂时无法撤销这张服务单，原因见明细", "This request cannot be withdrawn now; see the reasons"),
        blockers,
      );
    const actor = "phone" in by ? CUSTOMER : actorOf(by.staff);
    const who = "phone" in by ? "顾客撤销申请" : "顾客来电撤销申请（客服代为登记）";
    const whoEn =
      "phone" in by ? "withdrawn by the customer" : "withdrawn at the customer's request by phone";
    await changeTicket(
      trx,
      ticketNo,
      { status: "closed", closed_at: now },
      actor,
      {
        type: "status_changed",
        visibility: "customer",
        data: {
          from: t.status,
          to: "closed",
          withdrawn: true,
          reason: reason ? `${who}：${reason}` : who,
          reasonEn: reason ? `${whoEn}: ${reason}` : whoEn,
        },
      },
      now,
    );
    await cancelPending(trx, ticketNo, now);
    // A verification the merchant still owes is withdrawn, its deadline stopped, as when staff move on.
    await afterMerchantStatus(trx, ctx, calendar, t, t.status, "closed", actor, now);
    await syncTicketClocks(trx, ctx.packs, calendar, ticketNo, { fromStatus: t.status }, now);
    return { status: "closed" };
  });
}
