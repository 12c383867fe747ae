import { expectedCompletionAt } from "../tickets/tickets.domain.ts";

/** Enough for any real customer's history; the oldest beyond it are left out. */
export const REQUESTS_LISTED = 100;
const SUMMARY_CHARS = 60;

/** Statuses where the next step is the customer's: more evidence, an answer, or confirming the fix. */
const WAITING_FOR_CUSTOMER = ["needs_info", "awaiting_customer", "resolved"];

export interface RequestRow {
  ticket_no: string;
  business_line: string;
  order_no: string;
  category: string;
  status: string;
  description: string;
  merged_into: string | null;
  created_at: Date;
  updated_at: Date;
  resolution_due_at: Date;
  resolved_at: Date | null;
  closed_at: Date | null;
}

/** One line of "my requests": what it was about, where it stands, and whether it waits for the customer. */
export function myRequest(r: RequestRow, categoryLabel: string) {
  const chars = [...r.description.trim()];
  return {
    ticketNo: r.ticket_no,
    businessLine: r.business_line,
    orderNo: r.order_no,
    category: r.category,
    categoryLabel,
    status: r.status,
    summary: chars.length > SUMMARY_CHARS ? `${chars.slice(0, SUMMARY_CHARS).join("")}…` : chars.join(""),
    mergedInto: r.merged_into,
    waitingForYou: !r.merged_into && WAITING_FOR_CUSTOMER.includes(r.status),
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    expectedCompletionAt: expectedCompletionAt(r)?.toISOString() ?? null,
  };
}
