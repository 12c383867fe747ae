import { describe, expect, it } from "vitest";
import { loadPacks } from "../../policy-packs/load.ts";
import type { PolicyPack } from "../../policy-packs/schema.ts";
import {
  baselineHours,
  type Complaint,
  familyOf,
  familyProblems,
  hourOf,
  isVolumeSpike,
  keyMatches,
  publicNoticeDraft,
  reachesThreshold,
  thresholdWindow,
  windowKeysOf,
} from "./incidents.domain.ts";

const food = loadPacks().get("food_delivery")!;
const H = 3_600_000;
const t0 = new Date("2026-11-25T02:30:00Z");
const at = (hours: number) => new Date(t0.getTime() + hours * H);
const rule = { count: 3, windowHours: 24 };

const complaint = (over: Partial<Complaint> = {}): Complaint => ({
  ticketNo: "FD1",
  businessLine: "food_delivery",
  category: "food",
  subType: "foreign_object",
  region: "上海-浦东",
  merchantId: "M001",
  items: [{ productId: "P1", batchNo: "P1-B1" }],
  at: t0,
  ...over,
});

describe("complaint families", () => {
  it("counts a foreign object and a food-safety complaint together, a late delivery not at all", () => {
    expect(familyOf(food, "food", "foreign_object")).toBe("food_quality");
    expect(familyOf(food, "food", "food_safety")).toBe("food_quality");
    expect(familyOf(food, "packaging", "contaminated")).toBe("food_quality");
    expect(familyOf(food, "packaging", "broken")).toBeNull();
    expect(familyOf(food, "delivery", "late")).toBeNull();
  });

  it("refuses a family naming a sub-type its category does not have", () => {
    const broken = structuredClone(food) as PolicyPack;
    broken.thresholds.batchIncident.families = [
      { code: "x", labels: { "zh-CN": "x", en: "x" }, match: ["food:melted", "nope"] },
    ];
    expect(familyProblems(broken)).toEqual([
      '/thresholds/batchIncident/families/0/match/0: "melted" is not a sub-type of "food"',
      '/thresholds/batchIncident/families/0/match/1: unknown category "nope"',
    ]);
  });
});

describe("the sliding window", () => {
  it("three complaints within 24 hours reach the threshold", () => {
    expect(reachesThreshold([at(0), at(10), at(23.9)], at(23.9), rule)).toBe(true);
  });

  it("the same three spread over 25 hours do not", () => {
    expect(reachesThreshold([at(0), at(12.5), at(25)], at(25), rule)).toBe(false);
  });

  it("a complaint exactly 24 hours old has left the window", () => {
    expect(reachesThreshold([at(0), at(1), at(24)], at(24), rule)).toBe(false);
  });

  it("two are not three, and later complaints do not count for an earlier instant", () => {
    expect(reachesThreshold([at(0), at(1)], at(1), rule)).toBe(false);
    expect(reachesThreshold([at(0), at(1), at(2)], at(1), rule)).toBe(false);
  });
});

describe("window keys and matching", () => {
  it("counts a complaint per batch, per product in its region and per merchant, batch first", () => {
    const keys = windowKeysOf(
      complaint({
        items: [
          { productId: "P1", batchNo: "P1-B1" },
          { productId: "P2" },
          { productId: "P1", batchNo: "P1-B1" },
        ],
      }),
    );
    expect(keys.map((k) => [k.dimension, k.incidentKey])).toEqual([
      ["batch", { batchNo: "P1-B1", productId: "P1" }],
      ["product", { region: "上海-浦东", productId: "P1" }],
      ["product", { region: "上海-浦东", productId: "P2" }],
      ["merchant", { merchantId: "M001" }],
    ]);
  });

  it("a later complaint joins an incident only when every field of its key matches", () => {
    const key = { region: "上海-浦东", productId: "P1" };
    expect(keyMatches(key, complaint())).toBe(true);
    expect(keyMatches(key, complaint({ region: "北京-朝阳" }))).toBe(false);
    expect(keyMatches(key, complaint({ items: [{ productId: "P2" }] }))).toBe(false);
    expect(keyMatches({ batchNo: "P1-B2" }, complaint())).toBe(false);
    expect(keyMatches({ merchantId: "M001" }, complaint({ items: [] }))).toBe(true);
  });
});

describe("abnormal rise in volume", () => {
  it("compares this hour with the same hour of the past days", () => {
    const hour = hourOf(at(0.5));
    expect(hour.toISOString()).toBe("2026-11-25T03:00:00.000Z");
    expect(baselineHours(hour, 2).map((h) => h.toISOString())).toEqual([
      "2026-11-24T03:00:00.000Z",
      "2026-11-23T03:00:00.000Z",
    ]);
    const spike = { factor: 3, minCount: 5 };
    expect(isVolumeSpike(6, [1, 2, 3], spike)).toBe(true);
    expect(isVolumeSpike(5, [2, 2, 2], spike)).toBe(false);
    expect(isVolumeSpike(4, [0, 0, 0], spike)).toBe(false);
  });
});

describe("public notice", () => {
  it("names what is affected, how many reported it and when progress comes", () => {
    const draft = publicNoticeDraft(
      { id: "INC1", key: { batchNo: "B9", productId: "P1" }, ticketCount: 4 },
      48,
    );
    expect(draft["zh-CN"]).toContain("批次 B9");
    expect(draft["zh-CN"]).toContain("4 位顾客");
    expect(draft["zh-CN"]).toContain("48 小时内");
    expect(draft.en).toContain("within 48 hours");
  });
});

describe("the window a complaint completes", () => {
  it("is the window ending at the new complaint when it is the newest", () => {
    expect(thresholdWindow([at(0), at(6), at(11)], at(11), rule)).toEqual({ from: at(-13), to: at(11) });
    expect(thresholdWindow([at(0), at(12.5), at(25)], at(25), rule)).toBeNull();
  });

  it("is found when a complaint counted late lies between two counted before it", () => {
    // Two registered at once may commit in either order: 11 h was counted before 6 h.
    expect(thresholdWindow([at(0), at(11), at(6)], at(6), rule)).toEqual({ from: at(-13), to: at(11) });
  });

  it("needs all of them within the window length, not merely each within a day of the new one", () => {
    expect(thresholdWindow([at(-20), at(0), at(20)], at(0), rule)).toBeNull();
  });
});
