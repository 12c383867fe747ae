import { spawnSync } from "node:child_process";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { loadPacks } from "../../policy-packs/load.ts";
import { classifyLine, runClassify } from "./classify.cli.ts";

const packs = loadPacks();

describe("npx aftersale classify", () => {
  it("answers category, sub-type, severity and confidence for one line", () => {
    const out = classifyLine(
      packs,
      JSON.stringify({ text: "菜里吃出一根头发", businessLine: "food_delivery" }),
    );
    expect(out).toMatchObject({ category: "food", subType: "foreign_object", severity: "serious" });
    expect(out.confidence).toBeGreaterThan(0.5);
  });

  it("answers an error for a line it cannot read, so outputs still pair with inputs", () => {
    expect(classifyLine(packs, "not json")).toEqual({ error: "not a JSON object" });
    expect(classifyLine(packs, JSON.stringify({ text: "", businessLine: "food_delivery" }))).toHaveProperty(
      "error",
    );
    expect(classifyLine(packs, JSON.stringify({ text: "没到", businessLine: "moon" }))).toHaveProperty(
      "error",
    );
  });

  it("streams one output line per input line, in order, skipping blank lines", async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let written = "";
    output.on("data", (chunk) => {
      written += chunk;
    });
    const done = runClassify(packs, input, output);
    input.end(
      [
        JSON.stringify({ text: "没到", businessLine: "food_delivery" }),
        "",
        JSON.stringify({ text: "收到的牛排一股怪味", businessLine: "fresh_food" }),
        JSON.stringify({ text: "快递显示签收了没收到", businessLine: "ecommerce" }),
      ].join("\n"),
    );
    await done;
    const lines = written
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.category)).toEqual(["delivery", "quality", "logistics"]);
    expect(lines[1].severity).toBe("serious");
  });

  it("works as the installed command", { timeout: 90_000 }, () => {
    const result = spawnSync(process.execPath, ["bin/aftersale.js", "classify"], {
      input: '{"text":"菜里吃出一根头发","businessLine":"food_delivery"}\n',
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout.trim())).toMatchObject({ category: "food", severity: "serious" });
  });
});
