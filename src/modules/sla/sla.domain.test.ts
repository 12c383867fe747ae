import { describe, expect, it } from "vitest";
import { loadPacks } from "../../policy-packs/load.ts";
import { type BusinessLine, type PolicyPack, SEVERITIES } from "../../policy-packs/schema.ts";
import { breachedClocks, firstResponseMinutes, initialDeadlines, minutesText } from "./sla.domain.ts";

const packs = loadPacks();
const pack = (line: BusinessLine): PolicyPack => packs.get(line)!;
/** A Wednesday, 12:00 in Beijing: a working day, inside every pack's service hours. */
const RECEIVED = new Date("2026-11-25T04:00:00.000Z");
const MINUTE = 60_000;

/** The promised minutes from receipt to first response and to resolution. */
function promised(line: BusinessLine, severity: "serious" | "general" | "minor", urgent: boolean) {
  const d = initialDeadlines(pack(line), severity, urgent, RECEIVED);
  return [
    (d.firstResponseDueAt.getTime() - RECEIVED.getTime()) / MINUTE,
    (d.resolutionDueAt.getTime() - RECEIVED.getTime()) / MINUTE,
  ];
}

describe("initialDeadlines", () => {
  it.each([
    // line, severity, urgent, first response, resolution (minutes)
    ["food_delivery", "general", false, 30, 30],
    ["food_delivery", "minor", false, 30, 30],
    ["food_delivery", "serious", false, 15, 120],
    ["food_delivery", "general", true, 15, 60],
    ["food_delivery", "serious", true, 15, 60],
    ["fresh_food", "general", false, 120, 1440],
    ["fresh_food", "serious", false, 30, 1440],
    ["fresh_food", "minor", true, 30, 720],
    ["fresh_food", "serious", true, 30, 720],
    ["b2b_food_supply", "general", false, 1440, 4320],
    ["b2b_food_supply", "serious", false, 120, 720],
    ["b2b_food_supply", "general", true, 120, 720],
    ["ecommerce", "general", false, 30, 4320],
    ["ecommerce", "serious", false, 30, 1440],
    ["ecommerce", "general", true, 30, 1440],
  ] as const)(
    "%s, %s, urgent=%s: first response in %i min, resolution in %i min",
    (line, severity, urgent, first, resolution) => {
      expect(promised(line, severity, urgent)).toEqual([first, resolution]);
    },
  );

  it("counts from the moment the request was received", () => {
    const d = initialDeadlines(pack("food_delivery"), "general", false, RECEIVED);
    expect(d.firstResponseDueAt.toISOString()).toBe("2026-11-25T04:30:00.000Z");
    expect(d.resolutionDueAt.toISOString()).toBe("2026-11-25T04:30:00.000Z");
  });

  it("takes the stricter target when a case is both serious and urgent", () => {
    const p = structuredClone(pack("food_delivery"));
    p.sla.firstResponseMinutes = { default: 60, serious: 20, urgent: 40 };
    p.sla.resolutionMinutes = { default: 600, serious: 300, urgent: 100 };
    const d = initialDeadlines(p, "serious", true, RECEIVED);
    expect(d.firstResponseDueAt.getTime() - RECEIVED.getTime()).toBe(20 * MINUTE);
    expect(d.resolutionDueAt.getTime() - RECEIVED.getTime()).toBe(100 * MINUTE);
  });

  it("never promises a resolution before the first response", () => {
    const p = structuredClone(pack("fresh_food"));
    p.sla.firstResponseMinutes = { default: 120, serious: 30, urgent: 30 };
    p.sla.resolutionMinutes = { default: 60, serious: 10, urgent: 10 };
    expect(initialDeadlines(p, "general", false, RECEIVED)).toEqual({
      firstResponseDueAt: new Date(RECEIVED.getTime() + 120 * MINUTE),
      resolutionDueAt: new Date(RECEIVED.getTime() + 120 * MINUTE),
    });
    const serious = initialDeadlines(p, "serious", false, RECEIVED);
    expect(serious.resolutionDueAt.getTime() - RECEIVED.getTime()).toBe(30 * MINUTE);
  });

  it("keeps resolution at or after first response in every shipped pack and case", () => {
    for (const p of packs.values())
      for (const severity of SEVERITIES)
        for (const urgent of [false, true]) {
          const d = initialDeadlines(p, severity, urgent, RECEIVED);
          expect(d.resolutionDueAt.getTime()).toBeGreaterThanOrEqual(d.firstResponseDueAt.getTime());
          expect(d.firstResponseDueAt.getTime()).toBeGreaterThan(RECEIVED.getTime());
        }
  });
});

describe("firstResponseMinutes", () => {
  it("agrees with the deadline promised at intake", () => {
    for (const p of packs.values())
      for (const severity of SEVERITIES)
        for (const urgent of [false, true]) {
          const d = initialDeadlines(p, severity, urgent, RECEIVED);
          expect(firstResponseMinutes(p, severity, urgent) * MINUTE).toBe(
            d.firstResponseDueAt.getTime() - RECEIVED.getTime(),
          );
        }
  });
});

describe("minutesText", () => {
  it.each([
    [30, "30分钟", "30 minutes"],
    [90, "90分钟", "90 minutes"],
    [120, "2小时", "2 hour(s)"],
    [1440, "1天", "1 day(s)"],
    [4320, "3天", "3 day(s)"],
  ])("%i minutes → %s / %s", (minutes, zh, en) => {
    expect(minutesText(minutes, "zh-CN")).toBe(zh);
    expect(minutesText(minutes, "en")).toBe(en);
  });
});

describe("breachedClocks", () => {
  const due = {
    firstResponseDueAt: new Date("2026-11-25T04:30:00Z"),
    resolutionDueAt: new Date("2026-11-25T06:00:00Z"),
  };
  const at = (iso: string) => new Date(iso);

  it("reports nothing before any deadline", () => {
    expect(
      breachedClocks({ ...due, firstRespondedAt: null, resolvedAt: null }, at("2026-11-25T04:10:00Z")),
    ).toEqual([]);
  });

  it("does not count the deadline minute itself as late", () => {
    expect(
      breachedClocks({ ...due, firstRespondedAt: null, resolvedAt: null }, due.firstResponseDueAt),
    ).toEqual([]);
    expect(
      breachedClocks(
        { ...due, firstRespondedAt: due.firstResponseDueAt, resolvedAt: due.resolutionDueAt },
        at("2026-11-26T00:00:00Z"),
      ),
    ).toEqual([]);
  });

  it("breaches the first response when nobody answered in time", () => {
    expect(
      breachedClocks({ ...due, firstRespondedAt: null, resolvedAt: null }, at("2026-11-25T04:30:01Z")),
    ).toEqual(["firstResponse"]);
  });

  it("breaches both clocks when nothing happened by the resolution deadline", () => {
    expect(
      breachedClocks({ ...due, firstRespondedAt: null, resolvedAt: null }, at("2026-11-25T07:00:00Z")),
    ).toEqual(["firstResponse", "resolution"]);
  });

  it("keeps a promise met in time kept, however late it is now", () => {
    expect(
      breachedClocks(
        { ...due, firstRespondedAt: at("2026-11-25T04:20:00Z"), resolvedAt: null },
        at("2026-11-25T07:00:00Z"),
      ),
    ).toEqual(["resolution"]);
    expect(
      breachedClocks(
        { ...due, firstRespondedAt: at("2026-11-25T04:20:00Z"), resolvedAt: at("2026-11-25T05:00:00Z") },
        at("2026-12-25T00:00:00Z"),
      ),
    ).toEqual([]);
  });

  it("keeps a promise met late broken, even after it was met", () => {
    expect(
      breachedClocks(
        { ...due, firstRespondedAt: at("2026-11-25T04:45:00Z"), resolvedAt: at("2026-11-25T05:30:00Z") },
        at("2026-11-25T05:40:00Z"),
      ),
    ).toEqual(["firstResponse"]);
    expect(
      breachedClocks(
        { ...due, firstRespondedAt: at("2026-11-25T04:45:00Z"), resolvedAt: at("2026-11-25T06:30:00Z") },
        at("2026-11-25T06:40:00Z"),
      ),
    ).toEqual(["firstResponse", "resolution"]);
  });
});
