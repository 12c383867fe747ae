import { randomInt } from "node:crypto";
import type { Db } from "../../db/database.ts";
import { randomId } from "../../platform/ids.ts";
import { type Checklist, checklistScore, stratifiedSample } from "./qa.domain.ts";
import {
  type ClosedTicket,
  insertSamples,
  type QaSampleRow,
  sampledPerAgent,
  scoreSample,
  unsampledClosed,
} from "./qa.store.ts";
import { namesOf } from "./reports.store.ts";

/** QA sampling: draw each agent's closed tickets of a month for review, and record a review's scores. */

const uniform = () => randomInt(2 ** 32) / 2 ** 32;

/**
 * Tops every agent's sample of the month up to `perAgent` tickets, stratified by category; tickets drawn
 * before stay, so drawing again never replaces a reviewer's work.
 */
export async function drawSamples(
  db: Db,
  q: { month: string; perAgent: number; businessLine?: string | undefined; agent?: string | undefined },
  by: string,
  now: Date,
  random: () => number = uniform,
): Promise<QaSampleRow[]> {
  const pool = await unsampledClosed(db, q);
  const drawn = await sampledPerAgent(db, q.month);
  const perAgent = new Map<string, ClosedTicket[]>();
  for (const t of pool) perAgent.set(t.agent, [...(perAgent.get(t.agent) ?? []), t]);
  const chosen = [...perAgent].flatMap(([agent, tickets]) => {
    const byNo = new Map(tickets.map((t) => [t.ticketNo, t]));
    return stratifiedSample(tickets, q.perAgent - (drawn.get(agent) ?? 0), random).map(
      (c) => byNo.get(c.ticketNo) as ClosedTicket,
    );
  });
  return insertSamples(
    db,
    chosen.map((t) => ({ ...t, id: `QA${randomId(9)}`, month: q.month, drawnBy: by, drawnAt: now })),
  );
}

export const reviewSample = (
  db: Db,
  id: string,
  c: Checklist & { comment?: string | undefined },
  by: string,
  now: Date,
) => scoreSample(db, id, { ...c, score: checklistScore(c), comment: c.comment ?? null, by, at: now });

const sampleView = (r: QaSampleRow, agentName: string | null) => ({
  id: r.id,
  month: r.month,
  ticketNo: r.ticket_no,
  agent: r.agent,
  agentName,
  businessLine: r.business_line,
  category: r.category,
  drawnBy: r.drawn_by,
  drawnAt: new Date(r.drawn_at).toISOString(),
  checklist:
    r.score === null ? null : { greeting: r.greeting, accuracy: r.accuracy, remedy: r.remedy, tone: r.tone },
  score: r.score,
  comment: r.comment,
  scoredBy: r.scored_by,
  scoredAt: r.scored_at ? new Date(r.scored_at).toISOString() : null,
});

/** Samples as the API shows them, each agent by display name as well (the reviewer knows 客服小王). */
export async function sampleViews(db: Db, rows: readonly QaSampleRow[]) {
  const names = await namesOf(
    db,
    "users",
    rows.map((r) => r.agent),
  );
  return rows.map((r) => sampleView(r, names.get(r.agent) ?? null));
}
