import { Type as T } from "typebox";
import { handoverMs, maskPhone } from "./chat.domain.ts";
import type { ChatRow } from "./chat.store.ts";

/** One chat as the console lists it; the queue masks the phone, an accepted chat shows it to its agent. */
export const ChatSummary = T.Object({
  chatId: T.String(),
  state: T.String({ description: "bot | waiting | active | closed" }),
  phone: T.String(),
  orderNo: T.Union([T.String(), T.Null()]),
  businessLine: T.Union([T.String(), T.Null()]),
  handoverReason: T.Union([T.String(), T.Null()]),
  handoverRequestedAt: T.Union([T.String(), T.Null()]),
  acceptedAt: T.Union([T.String(), T.Null()]),
  handoverMs: T.Union([T.Number(), T.Null()], { description: "request for a person → agent accepted" }),
  agent: T.Union([T.String(), T.Null()]),
  ticketNo: T.Union([T.String(), T.Null()]),
  createdAt: T.String(),
});

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export function chatSummary(c: ChatRow, options: { maskPhone: boolean }) {
  return {
    chatId: c.id,
    state: c.state,
    phone: options.maskPhone ? maskPhone(c.customer_phone) : c.customer_phone,
    orderNo: c.order_no,
    businessLine: c.business_line,
    handoverReason: c.handover_reason,
    handoverRequestedAt: iso(c.handover_requested_at),
    acceptedAt: iso(c.accepted_at),
    handoverMs: handoverMs(c.handover_requested_at, c.accepted_at),
    agent: c.agent_name,
    ticketNo: c.ticket_no,
    createdAt: new Date(c.created_at).toISOString(),
  };
}
