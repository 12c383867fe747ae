import type { Db } from "../../db/database.ts";
import type { Packs } from "../../policy-packs/load.ts";
import { BUSINESS_LINES, type BusinessLine } from "../../policy-packs/schema.ts";
import { qaScoresPerAgent } from "./qa.store.ts";
import { kpisOf, merchantStanding, monthRange, ratio, sumMeasures } from "./reports.domain.ts";
import { agentsOf, namesOf, ordersPaid, sliceBy } from "./reports.store.ts";

/** The merchant scorecard, agent performance and the public disclosure of a month, from the rollups. */

export interface MerchantScore {
  merchantId: string;
  name: string | null;
  businessLine: string;
  orders: number;
  tickets: number;
  foodComplaints: number;
  /** Food-problem complaints ÷ orders of the month. */
  complaintRate: number | null;
  talkThreshold: number;
  /** Above the threshold: called in for a talk (约谈). */
  talk: boolean;
  resolutionRate: number | null;
  satisfactionAvg: number | null;
}

export async function merchantScorecard(
  db: Db,
  packs: Packs,
  q: { month: string; businessLine?: string | undefined; merchantIds?: readonly string[] | undefined },
): Promise<MerchantScore[]> {
  const rows = await sliceBy(db, q, ["business_line", "merchant_id", "category"]);
  const orders = await ordersPaid(db, monthRange(q.month), q.businessLine);
  const scope = q.merchantIds ? new Set(q.merchantIds) : null;
  const byMerchant = new Map<
    string,
    { line: string; merchantId: string; orders: number; rows: typeof rows }
  >();
  const entry = (line: string, merchantId: string) => {
    const key = `${line}\u0001${merchantId}`;
    const e = byMerchant.get(key) ?? { line, merchantId, orders: 0, rows: [] };
    byMerchant.set(key, e);
    return e;
  };
  for (const r of rows) entry(r.keys.business_line, r.keys.merchant_id).rows.push(r);
  for (const o of orders)
    if (!scope || scope.has(o.merchantId)) entry(o.businessLine, o.merchantId).orders += o.orders;
  const names = await namesOf(
    db,
    "merchants",
    [...byMerchant.values()].map((e) => e.merchantId),
  );
  return [...byMerchant.values()]
    .map((e): MerchantScore => {
      const pack = packs.get(e.line as BusinessLine);
      const food = new Set(pack?.reports?.foodProblemCategories ?? []);
      const threshold = pack?.thresholds.merchantTalkComplaintRate ?? 0.05;
      const totals = kpisOf(sumMeasures(e.rows.map((r) => r.measures)));
      const foodComplaints = e.rows
        .filter((r) => food.has(r.keys.category))
        .reduce((s, r) => s + r.measures.received, 0);
      return {
        merchantId: e.merchantId,
        name: names.get(e.merchantId) ?? null,
        businessLine: e.line,
        orders: e.orders,
        tickets: totals.tickets,
        foodComplaints,
        ...merchantStanding(foodComplaints, e.orders, threshold),
        talkThreshold: threshold,
        resolutionRate: totals.resolutionRate,
        satisfactionAvg: totals.satisfactionAvg,
      };
    })
    .sort(
      (a, b) =>
        Number(b.talk) - Number(a.talk) ||
        (b.complaintRate ?? -1) - (a.complaintRate ?? -1) ||
        b.tickets - a.tickets ||
        a.merchantId.localeCompare(b.merchantId),
    );
}

export interface AgentScore {
  /** null: tickets nobody has taken or resolved yet. */
  agent: string | null;
  /** The agent's display name (客服小李); null for nobody, or a user since removed. */
  name: string | null;
  tickets: number;
  resolved: number;
  resolutionRate: number | null;
  avgFirstResponseMinutes: number | null;
  avgResolutionMinutes: number | null;
  satisfactionAvg: number | null;
  surveys: number;
  secondRoundRate: number | null;
  /** QA reviews of the agent's tickets of the month, and their average score (0–100). */
  qaReviews: number;
  qaScoreAvg: number | null;
}

/** Per agent: the tickets they resolved last, else hold, received in the month. */
export async function agentPerformance(
  db: Db,
  q: { month: string; businessLine?: string | undefined },
): Promise<AgentScore[]> {
  const qa = await qaScoresPerAgent(db, q);
  const agents = (await agentsOf(db, q.month, q.businessLine)).filter((a) => a.measures.received > 0);
  const names = await namesOf(
    db,
    "users",
    agents.map((a) => a.agent).filter((a) => a),
  );
  return agents
    .map(({ agent, measures }) => {
      const k = kpisOf(measures);
      return {
        agent: agent || null,
        name: names.get(agent) ?? null,
        tickets: k.tickets,
        resolved: k.resolved,
        resolutionRate: k.resolutionRate,
        avgFirstResponseMinutes: k.avgFirstResponseMinutes,
        avgResolutionMinutes: k.avgResolutionMinutes,
        satisfactionAvg: k.satisfactionAvg,
        surveys: k.surveys,
        secondRoundRate: k.secondRoundRate,
        qaReviews: qa.get(agent)?.reviews ?? 0,
        qaScoreAvg: qa.get(agent)?.average ?? null,
      };
    })
    .sort((a, b) => b.tickets - a.tickets || (a.agent ?? "").localeCompare(b.agent ?? ""));
}

export interface LineDisclosure {
  businessLine: string;
  label: { "zh-CN": string; en: string };
  orders: number;
  tickets: number;
  /** Tickets ÷ orders paid in the month. */
  complaintRate: number | null;
  /** Tickets of the month with a return approved ÷ orders of the month (退货率). */
  returns: number;
  returnRate: number | null;
  resolutionRate: number | null;
}

/** The public figures of a month: counts and rates per line, nothing about any customer or merchant. */
export async function disclosure(db: Db, packs: Packs, month: string): Promise<LineDisclosure[]> {
  const byLine = await sliceBy(db, { month }, ["business_line"]);
  const orders = await ordersPaid(db, monthRange(month));
  return BUSINESS_LINES.filter((line) => packs.has(line)).map((line) => {
    const measures = byLine.find((r) => r.keys.business_line === line)?.measures;
    const k = measures ? kpisOf(measures) : null;
    const lineOrders = orders.filter((o) => o.businessLine === line).reduce((s, o) => s + o.orders, 0);
    const tickets = k?.tickets ?? 0;
    return {
      businessLine: line,
      label: packs.get(line)!.labels,
      orders: lineOrders,
      tickets,
      complaintRate: ratio(tickets, lineOrders),
      returns: measures?.returned ?? 0,
      returnRate: ratio(measures?.returned ?? 0, lineOrders),
      resolutionRate: k?.resolutionRate ?? null,
    };
  });
}
