import { can, type Session } from "../session.ts";
import type { Ticket } from "../workspace/types.ts";
import { LedgerPanel } from "./LedgerPanel.tsx";
import { ProposalPanel } from "./ProposalPanel.tsx";

/**
 * The workspace's remedy side: the proposal and decision for those who read remedies, the ticket's
 * money for those who read the ledger. Both read again whenever the ticket gains an event (a decision,
 * an approval, a payment settled), which the workspace already follows live.
 */
export function RemedyPanels({
  ticket,
  session,
  onChanged,
}: {
  ticket: Ticket;
  session: Session;
  onChanged(): void;
}) {
  const version = ticket.events.length;
  return (
    <>
      {can(session, "remedies.read") && (
        <ProposalPanel
          ticketNo={ticket.ticketNo}
          canDecide={can(session, "remedies.propose")}
          version={version}
          onDecided={onChanged}
        />
      )}
      {can(session, "ledger.read") && (
        <LedgerPanel
          ticketNo={ticket.ticketNo}
          orderNo={ticket.orderNo ?? null}
          version={version}
          canRetry={can(session, "ledger.manage")}
        />
      )}
    </>
  );
}
