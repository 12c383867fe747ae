import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { loadPacks, PackError, parsePack } from "./load.ts";
import { BUSINESS_LINES, type BusinessLine } from "./schema.ts";

const here = dirname(fileURLToPath(import.meta.url));
/** A fresh, editable copy of a shipped pack's JSON. */
// biome-ignore lint/suspicious/noExplicitAny: a test edits the raw JSON freely to break it
const shipped = (line: BusinessLine): any => JSON.parse(readFileSync(join(here, `${line}.json`), "utf8"));

/** The message parsePack throws for a broken copy of the food-delivery pack. */
// biome-ignore lint/suspicious/noExplicitAny: see above
function problemWith(breakIt: (pack: any) => void): string {
  const pack = shipped("food_delivery");
  breakIt(pack);
  try {
    parsePack("food_delivery.json", pack);
  } catch (error) {
    expect(error).toBeInstanceOf(PackError);
    return (error as Error).message;
  }
  throw new Error("parsePack accepted a broken pack");
}

describe("the shipped packs", () => {
  const packs = loadPacks();

  it("all four load, each under its own business line", () => {
    expect([...packs.keys()]).toEqual([...BUSINESS_LINES]);
    for (const [line, pack] of packs) expect(pack.businessLine).toBe(line);
  });

  it("have the category codes of the contract", () => {
    const codes = (line: BusinessLine) => packs.get(line)!.categories.map((c) => c.code);
    expect(codes("food_delivery")).toEqual(["delivery", "food", "packaging", "service_attitude"]);
    expect(codes("fresh_food")).toEqual(["quality", "usage_question", "delivery"]);
    expect(codes("b2b_food_supply")).toEqual(["delivery_delay", "quality", "packaging", "other"]);
    expect(codes("ecommerce")).toEqual(["quality", "logistics", "not_as_described"]);
  });

  it("have distinct ticket prefixes", () => {
    const prefixes = [...packs.values()].map((p) => p.ticketPrefix);
    expect(new Set(prefixes).size).toBe(prefixes.length);
  });

  it("ask 100 characters on the food-delivery app and web forms only", () => {
    expect(packs.get("food_delivery")!.descriptionMinLength).toEqual({ default: 10, web: 100, app: 100 });
  });

  it("offer return, exchange and repair in e-commerce, and repair nowhere else", () => {
    expect(packs.get("ecommerce")!.expectedResolutions).toEqual(
      expect.arrayContaining(["return", "exchange", "repair"]),
    );
    for (const line of ["food_delivery", "fresh_food", "b2b_food_supply"] as const)
      expect(packs.get(line)!.expectedResolutions).not.toContain("repair");
  });

  it("keep records as long as the domain asks (6, 12, 12 and 24 months)", () => {
    expect(BUSINESS_LINES.map((line) => packs.get(line)!.retention.months)).toEqual([6, 12, 12, 24]);
  });

  it("pass parsePack unchanged", () => {
    for (const line of BUSINESS_LINES)
      expect(parsePack(`${line}.json`, shipped(line))).toEqual(shipped(line));
  });
});

describe("parsePack on a broken pack", () => {
  it("names the file, the path of a missing field and the problem", () => {
    const message = problemWith((p) => delete p.categories[1].queue);
    expect(message).toContain("food_delivery.json");
    expect(message).toContain("/categories/1");
    expect(message).toMatch(/required.*queue/);
  });

  it("refuses a negative SLA minute", () => {
    const message = problemWith((p) => {
      p.sla.firstResponseMinutes.serious = -5;
    });
    expect(message).toContain("food_delivery.json");
    expect(message).toContain("/sla/firstResponseMinutes/serious: must be >= 1");
  });

  it("refuses a zero or fractional SLA minute", () => {
    expect(problemWith((p) => (p.sla.resolutionMinutes.default = 0))).toContain(
      "/sla/resolutionMinutes/default",
    );
    expect(problemWith((p) => (p.sla.resolutionMinutes.urgent = 1.5))).toContain(
      "/sla/resolutionMinutes/urgent",
    );
  });

  it("refuses a duplicate category code", () => {
    const message = problemWith((p) => p.categories.push(structuredClone(p.categories[0])));
    expect(message).toContain("food_delivery.json");
    expect(message).toContain('/categories/4/code: duplicate category "delivery"');
  });

  it("refuses a duplicate sub-type code within a category", () => {
    const message = problemWith((p) => (p.categories[1].subTypes[2].code = "foreign_object"));
    expect(message).toContain('/categories/1/subTypes/2/code: duplicate sub-type "foreign_object"');
  });

  it("refuses a remedy rule naming an unknown category", () => {
    const message = problemWith((p) => (p.remedies[1].category = "drinks"));
    expect(message).toContain("food_delivery.json");
    expect(message).toContain('/remedies/1/category: unknown category "drinks"');
  });

  it("refuses a remedy rule naming a sub-type of another category", () => {
    const message = problemWith((p) => (p.remedies[0].subTypes = ["late", "leaking"]));
    expect(message).toContain('/remedies/0/subTypes/1: "leaking" is not a sub-type of "delivery"');
  });

  it("refuses a return-visit window that ends before it starts", () => {
    const message = problemWith((p) => (p.followUp.returnVisitDays = { min: 15, max: 7 }));
    expect(message).toContain("/followUp/returnVisitDays: min is after max");
  });

  it("refuses an unknown queue, a bad version, a stray field and a bad severity", () => {
    expect(problemWith((p) => (p.categories[0].queue = "kitchen"))).toContain("/categories/0/queue");
    expect(problemWith((p) => (p.version = "v1"))).toContain("/version");
    expect(problemWith((p) => (p.categories[2].colour = "red"))).toContain(
      "/categories/2: must not have additional properties",
    );
    expect(problemWith((p) => (p.categories[1].subTypes[0].severity = "critical"))).toContain(
      "/categories/1/subTypes/0/severity",
    );
  });

  it("refuses a category without sub-types and a pack without categories", () => {
    expect(problemWith((p) => (p.categories[3].subTypes = []))).toContain("/categories/3/subTypes");
    expect(problemWith((p) => (p.categories = []))).toContain("/categories");
  });

  it("lists every problem it finds, one per line", () => {
    const message = problemWith((p) => {
      p.remedies[0].category = "drinks";
      p.remedies[2].category = "snacks";
    });
    expect(message.split("\n")).toEqual([
      "policy pack food_delivery.json is invalid:",
      '  /remedies/0/category: unknown category "drinks"',
      '  /remedies/2/category: unknown category "snacks"',
    ]);
  });

  it("refuses something that is not a pack at all", () => {
    expect(() => parsePack("x.json", null)).toThrow(PackError);
    expect(() => parsePack("x.json", [])).toThrow(/policy pack x\.json is invalid/);
  });
});

describe("loadPacks from a folder", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  /** A folder holding all four shipped packs, one of them replaced by `content`. */
  function folderWith(line: BusinessLine, content: string): string {
    dir = mkdtempSync(join(tmpdir(), "aftersale-packs-"));
    for (const l of BUSINESS_LINES) writeFileSync(join(dir, `${l}.json`), JSON.stringify(shipped(l)));
    writeFileSync(join(dir, `${line}.json`), content);
    return dir;
  }

  it("stops on a pack filed under another business line, naming the file", () => {
    const folder = folderWith("fresh_food", JSON.stringify(shipped("ecommerce")));
    expect(() => loadPacks(folder)).toThrow(PackError);
    expect(() => loadPacks(folder)).toThrow(
      `${join(folder, "fresh_food.json")}: /businessLine must be "fresh_food"`,
    );
  });

  it("stops on a file that is not JSON, naming the file", () => {
    const folder = folderWith("ecommerce", '{ "businessLine": "ecommerce", ');
    expect(() => loadPacks(folder)).toThrow(`policy pack ${join(folder, "ecommerce.json")} cannot be read`);
  });

  it("stops on a missing file, naming it", () => {
    const folder = folderWith("b2b_food_supply", "{}");
    rmSync(join(folder, "b2b_food_supply.json"));
    expect(() => loadPacks(folder)).toThrow(join(folder, "b2b_food_supply.json"));
  });

  it("names the full path of an invalid pack and the field", () => {
    const broken = shipped("fresh_food");
    broken.sla.firstResponseMinutes.default = -1;
    const folder = folderWith("fresh_food", JSON.stringify(broken));
    expect(() => loadPacks(folder)).toThrow(
      `policy pack ${join(folder, "fresh_food.json")} is invalid:\n  /sla/firstResponseMinutes/default: must be >= 1`,
    );
  });
});
