import type { Db } from "../../db/database.ts";

/** One escalation of a ticket as its `escalated` event recorded it. */
export interface EscalationRecord {
  at: Date;
  level: number;
  clock: string;
  role: string | null;
  dueAt: string | null;
}

/** The `escalated` events of a page of tickets, oldest first, by ticket number (the events index). */
export async function escalationsOfTickets(
  db: Db,
  ticketNos: readonly string[],
): Promise<Map<string, EscalationRecord[]>> {
  const byTicket = new Map<string, EscalationRecord[]>();
  if (!ticketNos.length) return byTicket;
  const rows = await db
    .selectFrom("ticket_events")
    .select(["ticket_no", "at", "data"])
    .where("ticket_no", "in", [...ticketNos])
    .where("type", "=", "escalated")
    .orderBy("ticket_no")
    .orderBy("id")
    .execute();
  for (const r of rows) {
    const data = r.data as { level?: number; clock?: string; role?: string; dueAt?: string };
    const list = byTicket.get(r.ticket_no) ?? [];
    list.push({
      at: r.at,
      level: Number(data.level ?? 0),
      clock: String(data.clock ?? ""),
      role: data.role ?? null,
      dueAt: data.dueAt ?? null,
    });
    byTicket.set(r.ticket_no, list);
  }
  return byTicket;
}
