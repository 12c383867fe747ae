import { describe, expect, it } from "vitest";
import { loadPacks } from "../../policy-packs/load.ts";
import type { BusinessLine } from "../../policy-packs/schema.ts";
import type { RemedyItem } from "../remedies/remedies.domain.ts";
import { makeCalendar } from "../sla/calendar.domain.ts";
import { checkExecutionMove, dueAt, isOverdue, moneyOrderStatus, planExecution } from "./execution.domain.ts";

const packs = loadPacks();
const item = (kind: RemedyItem["kind"], amountFen?: number): RemedyItem =>
  ({ kind, payer: "merchant", ...(amountFen ? { amountFen } : {}) }) as RemedyItem;

/** "action department deadline ←step" per order, in plan order. */
const plan = (
  line: BusinessLine,
  items: RemedyItem[],
  hours: Partial<Record<RemedyItem["kind"], number>> = {},
) =>
  planExecution(packs.get(line)!, items, hours).map(
    (o) =>
      `${o.action} ${o.department} ${"hours" in o.deadline ? `${o.deadline.hours}h` : `${o.deadline.businessDays}bd`}${
        o.blockedByStep ? ` ←${o.blockedByStep}` : ""
      }`,
  );

describe("the department actions of a remedy", () => {
  it.each([
    ["food_delivery", [item("refund", 2800), item("coupon", 1000)], {}, ["refund finance 24h"]],
    ["food_delivery", [item("redeliver")], {}, ["redeliver logistics 1h"]],
    ["food_delivery", [item("exchange")], {}, ["resend merchant 1h"]],
    [
      "food_delivery",
      [item("refund", 2800), item("compensation", 8400)],
      {},
      ["refund finance 24h", "compensation finance 24h"],
    ],
    ["fresh_food", [item("resend")], { resend: 48 }, ["resend warehouse 48h"]],
    ["fresh_food", [item("refund", 5200)], {}, ["refund finance 24h"]],
    ["b2b_food_supply", [item("resend")], { resend: 12 }, ["resend warehouse 12h"]],
    ["b2b_food_supply", [item("redeliver")], { redeliver: 12 }, ["redeliver logistics 12h"]],
    [
      "ecommerce",
      [item("return"), item("refund", 19900)],
      { refund: 24 },
      ["pickup logistics 72h", "inspection merchant 168h ←1", "refund finance 24h ←2"],
    ],
    [
      "ecommerce",
      [item("exchange")],
      {},
      ["pickup logistics 72h", "inspection merchant 168h ←1", "resend merchant 48h ←2"],
    ],
    ["ecommerce", [item("repair")], {}, ["pickup logistics 72h", "repair merchant 3bd ←1"]],
    ["ecommerce", [item("price_difference", 1040)], {}, ["refund finance 24h"]],
    ["ecommerce", [item("compensation", 500)], { compensation: 24 }, ["compensation finance 24h"]],
    ["ecommerce", [item("return")], {}, ["pickup logistics 72h", "inspection merchant 168h ←1"]],
  ] as const)("%s %j → %j", (line, items, hours, expected) => {
    expect(plan(line, [...items], hours)).toEqual(expected);
  });

  it("plans nothing for a coupon or an explanation only", () => {
    expect(plan("food_delivery", [item("coupon", 500)])).toEqual([]);
    expect(plan("fresh_food", [])).toEqual([]);
  });
});

describe("deadlines", () => {
  const pack = packs.get("ecommerce")!;
  const calendar = makeCalendar([{ date: "2026-10-01", kind: "holiday" }]);

  it("counts hours on the wall clock and business days on the calendar", () => {
    const friday = new Date("2026-11-27T02:00:00Z");
    expect(dueAt(pack, { hours: 24 }, friday, calendar)).toEqual(new Date("2026-11-28T02:00:00Z"));
    // Friday + 3 business days: Wednesday, at the close of service.
    const due = dueAt(pack, { businessDays: 3 }, friday, calendar);
    expect(due.toISOString().slice(0, 10)).toBe("2026-12-02");
  });

  it("is overdue once past its due time, until it ends or was reported", () => {
    const due = new Date("2026-11-25T04:00:00Z");
    const later = new Date("2026-11-25T05:00:00Z");
    expect(isOverdue({ status: "open", dueAt: due, overdueAt: null }, later)).toBe(true);
    expect(isOverdue({ status: "in_progress", dueAt: due, overdueAt: later }, later)).toBe(false);
    expect(isOverdue({ status: "done", dueAt: due, overdueAt: null }, later)).toBe(false);
    expect(isOverdue({ status: "open", dueAt: null, overdueAt: null }, later)).toBe(false);
  });
});

describe("moving an order", () => {
  const order = (
    status: "open" | "in_progress" | "done" | "failed",
    blocked = false,
    action = "resend" as const,
  ) => ({
    status,
    action,
    blocked,
  });

  it.each([
    [order("open"), "in_progress", undefined, null],
    [order("open"), "done", undefined, "ILLEGAL_TRANSITION"],
    [order("open"), "failed", "顾客拒收", null],
    [order("open", true), "in_progress", undefined, "BLOCKED"],
    [order("in_progress"), "done", undefined, null],
    [order("in_progress"), "failed", undefined, "REASON_REQUIRED"],
    [order("in_progress"), "failed", "  ", "REASON_REQUIRED"],
    [order("done"), "failed", "x", "ILLEGAL_TRANSITION"],
    [order("failed"), "in_progress", undefined, "ILLEGAL_TRANSITION"],
    [{ status: "open", action: "refund", blocked: false }, "in_progress", undefined, "FOLLOWS_LEDGER"],
  ] as const)("%j → %s (%s) = %s", (o, to, reason, problem) => {
    expect(checkExecutionMove(o, to, reason)).toBe(problem);
  });

  it("lets a money order follow its payouts", () => {
    expect(moneyOrderStatus([{ status: "held", attempts: 0 }])).toBe("open");
    expect(moneyOrderStatus([{ status: "pending", attempts: 1 }])).toBe("in_progress");
    expect(moneyOrderStatus([{ status: "processing", attempts: 1 }])).toBe("in_progress");
    expect(
      moneyOrderStatus([
        { status: "succeeded", attempts: 1 },
        { status: "failed", attempts: 6 },
      ]),
    ).toBe("failed");
    expect(
      moneyOrderStatus([
        { status: "succeeded", attempts: 1 },
        { status: "cancelled", attempts: 0 },
      ]),
    ).toBe("done");
  });
});
