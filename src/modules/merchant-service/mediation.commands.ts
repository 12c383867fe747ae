import type { Transaction } from "kysely";
import type { Database } from "../../db/schema.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError, conflict, text } from "../../platform/errors.ts";
import { actorOf, publishTicket } from "../execution/execution.commands.ts";
import { type Actor, appendEvent, lockTicket, type TicketRow } from "../tickets/tickets.store.ts";
import type { Principal } from "../users/roles.ts";
import { recordLiability } from "./liability.ts";
import {
  findMediation,
  insertMediation,
  lockMediation,
  type MediationRow,
  nextMediationId,
  openMediationOfTicket,
  updateMediation,
} from "./merchant-service.store.ts";
import { liablePartyOf, type MediationParty } from "./verification.domain.ts";

/**
 * Mediation (调解): a dispute between the merchant or the customer and the platform's first finding. The
 * mediator reads both sides' statements and evidence and names the liable party, which is recorded on
 * the ticket as its liability; the remedy proposal reads it from there.
 */
export const mediationNotFound = () =>
  new AppError("NOT_FOUND", 404, text("调解单不存在", "Mediation not found"));

/** The customer's side is what they told us: the complaint (or their dispute) and the evidence they sent. */
async function customerEvidence(trx: Transaction<Database>, ticketNo: string, notTheirs: string[]) {
  const rows = await trx
    .selectFrom("attachments")
    .select("id")
    .where("ticket_no", "=", ticketNo)
    .orderBy("uploaded_at")
    .execute();
  return rows.map((r) => r.id).filter((id) => !notTheirs.includes(id));
}

/** Opens one in the ticket's transaction; a ticket already in mediation keeps its open one. */
export async function openMediation(
  trx: Transaction<Database>,
  t: TicketRow,
  dispute: {
    source: MediationRow["source"];
    merchantStatement: string | null;
    merchantEvidence: string[];
    customerStatement?: string;
  },
  actor: Actor,
  now: Date,
): Promise<string> {
  const open = await openMediationOfTicket(trx, t.ticket_no);
  if (open) return open.id;
  const id = await nextMediationId(trx, now);
  await insertMediation(trx, {
    id,
    ticket_no: t.ticket_no,
    merchant_id: t.merchant_id,
    source: dispute.source,
    status: "open",
    merchant_statement: dispute.merchantStatement,
    merchant_evidence: dispute.merchantEvidence,
    customer_statement: dispute.customerStatement || t.description,
    customer_evidence: await customerEvidence(trx, t.ticket_no, dispute.merchantEvidence),
    opened_at: now,
  });
  await appendEvent(
    trx,
    t.ticket_no,
    actor,
    { type: "mediation_opened", visibility: "internal", data: { mediationId: id, source: dispute.source } },
    now,
  );
  return id;
}

export async function decideMediation(
  ctx: AppContext,
  p: Principal,
  id: string,
  decision: { liable: MediationParty; reason: string },
): Promise<MediationRow> {
  const found = await findMediation(ctx.db, id);
  if (!found) throw mediationNotFound();
  let ticket: TicketRow | undefined;
  const decided = await ctx.db.transaction().execute(async (trx) => {
    // The ticket first, as every writer of a ticket locks it, then the mediation.
    ticket = await lockTicket(trx, found.ticket_no);
    const m = await lockMediation(trx, id);
    if (!ticket || !m) throw mediationNotFound();
    if (m.status !== "open")
      throw conflict("ALREADY_DECIDED", text("该调解已作出决定", "This mediation was already decided"));
    const now = ctx.clock.now();
    const patch = {
      status: "decided" as const,
      liable: decision.liable,
      reason: decision.reason,
      decided_by: p.name,
      decided_at: now,
    };
    await updateMediation(trx, id, patch);
    const evidence = [...m.merchant_evidence, ...m.customer_evidence];
    await recordLiability(
      trx,
      m.ticket_no,
      liablePartyOf(decision.liable),
      `调解结论：${decision.reason}`,
      evidence,
      actorOf(p),
      now,
    );
    await appendEvent(
      trx,
      m.ticket_no,
      actorOf(p),
      {
        type: "mediation_decided",
        visibility: "internal",
        data: { mediationId: id, liable: decision.liable, reason: decision.reason },
      },
      now,
    );
    return { ...m, ...patch };
  });
  if (ticket) publishTicket(ctx, ticket);
  return decided;
}
