import { describe, expect, it } from "vitest";
import {
  agentKeyOf,
  changedFacts,
  changeOf,
  factOf,
  isMonth,
  kpisOf,
  merchantStanding,
  monthlyKeyOf,
  monthOf,
  monthRange,
  rollupDeltas,
  sharesOf,
  shiftMonth,
  type TicketRaw,
  targetChecks,
} from "./reports.domain.ts";

const at = (iso: string) => new Date(iso);
const ticket = (over: Partial<TicketRaw> = {}): TicketRaw => ({
  ticketNo: "T1",
  createdAt: at("2026-05-10T02:00:00Z"),
  businessLine: "food_delivery",
  merchantId: "M001",
  region: "上海-浦东",
  category: "delivery",
  subType: "late",
  status: "new",
  mergedInto: null,
  resolvedAt: null,
  handlingMinutes: null,
  firstRespondedAt: null,
  secondRounds: 0,
  escalationLevel: 0,
  score: null,
  agent: null,
  clocks: [],
  riderId: null,
  lateDelivery: false,
  riderCompensationFen: 0,
  withdrawn: false,
  returned: false,
  ...over,
});

describe("months in Beijing time", () => {
  it("puts 31 May 20:00 UTC (1 June in Beijing) in June, and rolls years over", () => {
    expect(monthOf(at("2026-05-31T16:00:00Z"))).toBe("2026-06");
    expect(monthOf(at("2026-05-31T15:59:59Z"))).toBe("2026-05");
    expect(shiftMonth("2026-01", -1)).toBe("2025-12");
    expect(shiftMonth("2026-03", -12)).toBe("2025-03");
    expect(monthRange("2026-06")).toEqual({
      from: at("2026-05-31T16:00:00Z"),
      to: at("2026-06-30T16:00:00Z"),
    });
    expect(isMonth("2026-13")).toBe(false);
    expect(isMonth("2026-1")).toBe(false);
    expect(isMonth("2026-12")).toBe(true);
  });
});

describe("a ticket's contribution", () => {
  it("counts a closed ticket's kept handling time, its score and its clocks", () => {
    const f = factOf(
      ticket({
        status: "closed",
        resolvedAt: at("2026-05-10T02:40:00Z"),
        handlingMinutes: 35,
        firstRespondedAt: at("2026-05-10T02:07:31Z"),
        score: 4,
        agent: "agent1",
        clocks: [
          { name: "firstResponse", met: true, breached: false },
          { name: "resolution", met: true, breached: true },
          { name: "execution:x", met: true, breached: false },
        ],
      }),
    );
    expect(f.key).toMatchObject({ month: "2026-05", subType: "late", agent: "agent1" });
    expect(f.measures).toMatchObject({
      received: 1,
      resolved: 1,
      closed: 1,
      resolution_minutes_sum: 35,
      score_sum: 4,
      score_count: 1,
      first_response_count: 1,
      first_response_minutes_sum: 8,
      first_response_met: 1,
      resolution_met: 0,
      resolution_breached: 1,
      clocks_met: 2,
      clocks_breached: 1,
    });
  });

  it("does not count a reopened ticket as resolved, nor a merged duplicate at all", () => {
    const reopened = factOf(
      ticket({
        status: "reopened",
        resolvedAt: at("2026-05-10T03:00:00Z"),
        secondRounds: 1,
        escalationLevel: 1,
      }),
    );
    expect(reopened.measures).toMatchObject({ received: 1, resolved: 0, second_round: 1, escalated: 1 });
    expect(factOf(ticket({ mergedInto: "T0" })).measures.received).toBe(0);
    expect(factOf(ticket({ status: "not_applicable" })).measures.not_applicable).toBe(1);
  });

  it("counts a withdrawal only while the ticket ended withdrawn, outside the resolution rate", () => {
    const withdrawn = factOf(ticket({ status: "closed", withdrawn: true }));
    expect(withdrawn.measures).toMatchObject({ received: 1, withdrawn: 1, not_applicable: 1, resolved: 0 });
    // Reopened after the withdrawal and then resolved: a resolution, not a withdrawal.
    const resolvedLater = factOf(
      ticket({ status: "closed", withdrawn: true, resolvedAt: at("2026-05-11T02:00:00Z") }),
    );
    expect(resolvedLater.measures).toMatchObject({ withdrawn: 0, resolved: 1 });
    expect(factOf(ticket({ status: "reopened", withdrawn: true })).measures.withdrawn).toBe(0);
    expect(factOf(ticket({ status: "closed", withdrawn: true, mergedInto: "T0" })).measures.withdrawn).toBe(
      0,
    );
    expect(kpisOf({ ...withdrawn.measures, received: 4 }).withdrawalRate).toBe(0.25);
    expect(factOf(ticket({ returned: true })).measures.returned).toBe(1);
    expect(factOf(ticket({ returned: true, mergedInto: "T0" })).measures.returned).toBe(0);
  });

  it("moves a reclassified ticket between rollup rows instead of counting it twice", () => {
    const before = [factOf(ticket({ category: "delivery" }))];
    const after = [factOf(ticket({ category: "food", subType: "foreign_object" }))];
    const deltas = rollupDeltas(before, after, monthlyKeyOf);
    expect(deltas.map((d) => [d.key.category, d.measures.received])).toEqual([
      ["delivery", -1],
      ["food", 1],
    ]);
    // The agent's row did not change at all: no write.
    expect(rollupDeltas(before, after, agentKeyOf)).toEqual([]);
  });

  it("rewrites only the facts an event changed, and every new ticket's", () => {
    const kept = factOf(ticket({ ticketNo: "T1" }));
    const moved = factOf(ticket({ ticketNo: "T2", category: "delivery" }));
    const movedNow = factOf(ticket({ ticketNo: "T2", category: "food", subType: "foreign_object" }));
    const fresh = factOf(ticket({ ticketNo: "T3" }));
    expect(changedFacts([kept, moved], [factOf(ticket({ ticketNo: "T1" })), movedNow, fresh])).toEqual([
      movedNow,
      fresh,
    ]);
  });
});

describe("KPIs", () => {
  const m = {
    ...factOf(ticket()).measures,
    received: 7,
    not_applicable: 1,
    resolved: 3,
    resolution_minutes_sum: 121,
    score_sum: 11,
    score_count: 3,
    second_round: 1,
    escalated: 1,
  };
  it("computes rates over the cohort and averages over what was measured", () => {
    const k = kpisOf(m);
    expect(k).toMatchObject({
      tickets: 7,
      resolutionRate: 0.5,
      avgResolutionMinutes: 40.3,
      satisfactionAvg: 3.67,
      secondRoundRate: 0.1429,
      avgFirstResponseMinutes: null,
      slaAttainment: null,
    });
    expect(targetChecks(k, { resolutionRate: 0.98, satisfaction: 4.5, handlingMinutes: 30 })).toEqual({
      resolutionRate: { target: 0.98, actual: 0.5, met: false },
      satisfaction: { target: 4.5, actual: 3.67, met: false },
      handlingMinutes: { target: 30, actual: 40.3, met: false },
    });
  });

  it("compares with another month: differences, and the volume as a ratio (none against zero)", () => {
    const now = kpisOf(m);
    const before = kpisOf({ ...m, received: 5, resolved: 4, not_applicable: 0 });
    const c = changeOf(now, before);
    expect(c).toMatchObject({ tickets: 2, ticketsRatio: 0.4, resolutionRate: -0.3 });
    expect(
      changeOf(now, kpisOf({ ...m, received: 0, resolved: 0, not_applicable: 0, score_count: 0 })),
    ).toMatchObject({
      ticketsRatio: null,
      satisfactionAvg: null,
    });
  });

  it("shares the largest first, ties by name", () => {
    expect(
      sharesOf(
        [
          { name: "b", count: 1 },
          { name: "a", count: 1 },
          { name: "c", count: 4 },
          { name: "z", count: 0 },
        ],
        6,
        "category",
      ),
    ).toEqual([
      { category: "c", count: 4, share: 0.6667 },
      { category: "a", count: 1, share: 0.1667 },
      { category: "b", count: 1, share: 0.1667 },
    ]);
  });

  it("calls a merchant in above 5% of its orders, judged on the exact fraction", () => {
    expect(merchantStanding(2, 40, 0.05)).toEqual({ complaintRate: 0.05, talk: false });
    expect(merchantStanding(10001, 200000, 0.05)).toEqual({ complaintRate: 0.05, talk: true });
    expect(merchantStanding(3, 0, 0.05)).toEqual({ complaintRate: null, talk: false });
  });
});
