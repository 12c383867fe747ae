import type { Transaction } from "kysely";
import type { Database } from "../../db/schema.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError, text } from "../../platform/errors.ts";
import { normalisePhone } from "../intake/intake.domain.ts";
import { afterMerchantStatus } from "../merchant-service/verification.commands.ts";
import { syncTicketClocks } from "../sla/sla.commands.ts";
import { changeTicket } from "../tickets/tickets.store.ts";
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

/**
 * The customer takes back their request on the progress page (ticket number + phone): it closes without a
 * resolution, in the customer's words, its clocks stop and pending follow-ups are cancelled. Refused with
 * every reason at once when something is already under way (withdrawal.domain.ts).
 */
export async function withdrawByCustomer(
  ctx: AppContext,
  ticketNo: string,
  phone: string,
  reason: string | null,
): Promise<{ status: string }> {
  return withLockedTicket(ctx, ticketNo, async (t, trx, now, calendar) => {
    // A wrong phone answers like an unknown ticket, as on the progress page.
    if (t.customer_phone !== normalisePhone(phone))
      throw new AppError("NOT_FOUND", 404, text("服务单不存在", "Ticket not found"));
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
    const words = reason ? `：${reason}` : "";
    await changeTicket(
      trx,
      ticketNo,
      { status: "closed", closed_at: now },
      CUSTOMER,
      {
        type: "status_changed",
        visibility: "customer",
        data: {
          from: t.status,
          to: "closed",
          withdrawn: true,
          reason: `顾客撤销申请${words}`,
          reasonEn: `withdrawn by the customer${reason ? `: ${reason}` : ""}`,
        },
      },
      now,
    );
    await cancelPending(trx, ticketNo, now);
    // A verification the merchant still owes is withdrawn, its deadline stopped, as when staff move on.
    await afterMerchantStatus(trx, ctx, calendar, t, t.status, "closed", CUSTOMER, now);
    await syncTicketClocks(trx, ctx.packs, calendar, ticketNo, { fromStatus: t.status }, now);
    return { status: "closed" };
  });
}
