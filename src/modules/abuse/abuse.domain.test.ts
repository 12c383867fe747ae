import { describe, expect, it } from "vitest";
import { type ComplainantSignals, markValue, scoreComplaint } from "./abuse.domain.ts";
import { checkExpiry, decideAppeal, isInForce, routeListedRequest } from "./blacklist.domain.ts";

const ordinary: ComplainantSignals = {
  phoneComplaints: 1,
  deviceComplaints: null,
  addressComplaints: null,
  ticketsOfPhone: 1,
  ordersOfPhone: 12,
  refundsPaid: 0,
  refundFen: 0,
  claimedCategory: null,
  classifiedCategory: null,
  earlierExcessiveDemands: 0,
  description: "外卖晚到了一个小时，饭菜都凉了。",
};
const codes = (s: ComplainantSignals) => scoreComplaint(s).reasons.map((r) => r.code);

describe("malicious-complaint score", () => {
  it("gives an ordinary customer's complaint no points and no reasons", () => {
    expect(scoreComplaint(ordinary)).toEqual({ score: 0, reasons: [], excessiveDemand: false });
  });

  it("lets two complaints in the window pass and counts from the third", () => {
    expect(codes({ ...ordinary, phoneComplaints: 2 })).toEqual([]);
    const third = scoreComplaint({ ...ordinary, phoneComplaints: 3 });
    expect(third.reasons[0]).toMatchObject({ code: "FREQUENT_PHONE", points: 10 });
    expect(scoreComplaint({ ...ordinary, phoneComplaints: 8 }).score).toBeGreaterThan(third.score);
  });

  it("counts device and address only when the request named them", () => {
    expect(codes({ ...ordinary, deviceComplaints: 6, addressComplaints: 9 })).toEqual([
      "FREQUENT_DEVICE",
      "FREQUENT_ADDRESS",
    ]);
  });

  it("flags claims on most orders, but not several claims by a customer with many orders", () => {
    expect(codes({ ...ordinary, ticketsOfPhone: 6, ordersOfPhone: 6 })).toContain("CLAIMS_EXCEED_ORDERS");
    expect(codes({ ...ordinary, ticketsOfPhone: 6, ordersOfPhone: 40 })).not.toContain(
      "CLAIMS_EXCEED_ORDERS",
    );
  });

  it("reads refund history, a contradicted category, excessive demands and threats", () => {
    const s = scoreComplaint({
      ...ordinary,
      refundsPaid: 4,
      refundFen: 12_000,
      claimedCategory: "food",
      classifiedCategory: "delivery",
      earlierExcessiveDemands: 2,
      description: "必须赔十倍，外加精神损失费，不赔就找人砸了你的店",
    });
    expect(s.reasons.map((r) => r.code).sort()).toEqual(
      [
        "CATEGORY_CONTRADICTS_EVIDENCE",
        "EXCESSIVE_DEMAND",
        "REFUND_HISTORY",
        "REPEATED_EXCESSIVE_DEMANDS",
        "THREAT",
      ].sort(),
    );
    expect(s.excessiveDemand).toBe(true);
    expect(s.reasons.find((r) => r.code === "REFUND_HISTORY")?.en).toContain("120.00 yuan");
  });

  it("does not treat a complaint to the regulator or a lawyer as a threat", () => {
    expect(codes({ ...ordinary, description: "再不处理我就打12315投诉，并咨询律师" })).toEqual([]);
  });

  it("never exceeds 100 and lists the heaviest reason first", () => {
    const s = scoreComplaint({
      ...ordinary,
      phoneComplaints: 50,
      deviceComplaints: 50,
      addressComplaints: 50,
      ticketsOfPhone: 50,
      ordersOfPhone: 1,
      refundsPaid: 30,
      refundFen: 1,
      earlierExcessiveDemands: 9,
      description: "赔十倍，不然弄死你",
    });
    expect(s.score).toBe(100);
    const points = s.reasons.map((r) => r.points);
    expect(points).toEqual([...points].sort((a, b) => b - a));
  });

  it("normalises device ids and addresses so that spacing and case do not split the count", () => {
    expect(markValue(" ABC-123 ")).toBe(markValue("abc-123"));
    expect(markValue("上海市 浦东新区 世纪大道1号")).toBe("上海市浦东新区世纪大道1号");
    expect(markValue("ab")).toBeNull();
    expect(markValue(42)).toBeNull();
  });
});

describe("blacklist", () => {
  const now = new Date("2026-11-25T10:00:00Z");
  const listing = {
    id: "BL1",
    reason: "x",
    expiresAt: new Date("2026-12-01T00:00:00Z"),
    status: "active" as const,
  };

  it("is in force only while active and before its expiry", () => {
    expect(isInForce(listing, now)).toBe(true);
    expect(isInForce(listing, new Date("2026-12-01T00:00:00Z"))).toBe(false);
    expect(isInForce({ ...listing, status: "lifted" }, now)).toBe(false);
  });

  it("sends a listed customer's request to the supervisors and marks food safety", () => {
    expect(
      routeListedRequest(listing, { severity: "general", severitySignals: [], massAffected: false }),
    ).toEqual({
      queue: "supervisor",
      flag: { listingId: "BL1", reason: "x", foodSafety: false },
    });
    expect(
      routeListedRequest(listing, { severity: "serious", severitySignals: ["食物中毒"], massAffected: false })
        .flag.foodSafety,
    ).toBe(true);
  });

  it("takes an expiry in the future, within a year", () => {
    expect(checkExpiry(new Date("2026-11-25T09:00:00Z"), now)).toBe("EXPIRY_IN_PAST");
    expect(checkExpiry(new Date("2028-01-01T00:00:00Z"), now)).toBe("EXPIRY_TOO_FAR");
    expect(checkExpiry(new Date("2027-01-01T00:00:00Z"), now)).toBeNull();
  });

  it("decides an appeal once", () => {
    expect(decideAppeal("pending", "lift")).toEqual({ ok: true, appealStatus: "lifted", liftListing: true });
    expect(decideAppeal("pending", "uphold")).toEqual({
      ok: true,
      appealStatus: "upheld",
      liftListing: false,
    });
    expect(decideAppeal("lifted", "uphold")).toEqual({ ok: false });
  });
});
