import { describe, expect, it } from "vitest";
import { erasureBlockers, monthsBefore, retentionDayDue, retentionRules } from "./privacy.domain.ts";

describe("retention arithmetic", () => {
  it("counts calendar months back, clamping to the shorter month's end", () => {
    expect(monthsBefore(new Date("2026-08-31T10:00:00Z"), 6).toISOString()).toBe("2026-02-28T10:00:00.000Z");
    expect(monthsBefore(new Date("2026-03-15T00:00:00Z"), 24).toISOString()).toBe("2024-03-15T00:00:00.000Z");
  });

  it("takes each line's pack figure unless an admin set the kind", () => {
    const now = new Date("2026-11-25T00:00:00Z");
    const rules = retentionRules(
      [
        { businessLine: "food_delivery", months: 6 },
        { businessLine: "ecommerce", months: 24 },
      ],
      { call_recordings: 3 },
      now,
    );
    const find = (kind: string, line: string) =>
      rules.find((r) => r.dataKind === kind && r.businessLine === line);
    expect(find("ticket_personal", "food_delivery")).toMatchObject({ months: 6, source: "pack" });
    expect(find("ticket_personal", "ecommerce")?.closedBefore.toISOString()).toBe("2024-11-25T00:00:00.000Z");
    expect(find("call_recordings", "ecommerce")).toMatchObject({ months: 3, source: "override" });
    expect(rules).toHaveLength(8);
  });

  it("runs after 03:00 Beijing time, on the Beijing date", () => {
    expect(retentionDayDue(new Date("2026-11-25T18:30:00Z"))).toBeNull(); // 02:30 on the 26th in Beijing
    expect(retentionDayDue(new Date("2026-11-25T19:30:00Z"))).toBe("2026-11-26");
  });
});

describe("erasure blockers", () => {
  it("names every reason, or none", () => {
    expect(
      erasureBlockers({ legalHolds: [], openTickets: [], openRemedies: [], openMediations: [] }),
    ).toEqual([]);
    const reasons = erasureBlockers({
      legalHolds: [{ reason: "诉讼中", ticketNo: null }],
      openTickets: ["FD2026112500000001"],
      openRemedies: ["FD2026112500000002"],
      openMediations: [],
    });
    expect(reasons.map((r) => [r.field, r.code])).toEqual([
      ["phone", "LEGAL_HOLD"],
      ["tickets.FD2026112500000001", "OPEN_TICKET"],
      ["tickets.FD2026112500000002", "OPEN_REMEDY"],
    ]);
    expect(reasons[0]?.message.en).toContain("诉讼中");
  });
});
