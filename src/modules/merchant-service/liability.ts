import type { Transaction } from "kysely";
import type { Database } from "../../db/schema.ts";
import type { LiableParty } from "../../policy-packs/schema.ts";
import { findVerification, saveVerification } from "../remedies/remedies.store.ts";
import { type Actor, appendEvent } from "../tickets/tickets.store.ts";

/**
 * Liability decided outside the agent's own verification (the merchant's acceptance, the platform's
 * decision on a missed deadline, a mediator's ruling) lands in the same record the remedy proposal
 * reads, keeping what the agent found on food safety, fraud and loss: only the liable party changes.
 */
export async function recordLiability(
  trx: Transaction<Database>,
  ticketNo: string,
  liable: LiableParty,
  findings: string,
  evidenceIds: string[],
  actor: Actor,
  now: Date,
): Promise<void> {
  const was = await findVerification(trx, ticketNo);
  const input = {
    // A party at fault means the complaint stands; the customer's own fault or nobody's does not.
    verified: liable !== "customer" && liable !== "none",
    liableParty: liable,
    findings,
    evidenceIds: [...new Set([...(was?.evidence_ids ?? []), ...evidenceIds])],
    foodSafetyViolation: was?.food_safety_violation ?? false,
    fraud: was?.fraud ?? false,
    lossFen: was?.loss_fen ?? null,
    affectedItems: was?.affected_items ?? null,
  };
  await saveVerification(trx, ticketNo, input, actor.name, now);
  await appendEvent(
    trx,
    ticketNo,
    actor,
    {
      type: "verification_recorded",
      visibility: "internal",
      data: { verified: input.verified, liableParty: liable, findings, evidenceIds },
    },
    now,
  );
}
