import type { BusinessLine, PolicyPack, Severity } from "../../policy-packs/schema.ts";
import { classify, classifyReading, severityOf } from "../triage/triage.domain.ts";
import type { LabelledExample } from "./corpus.ts";
import type { TextUnderstanding } from "./understanding.ts";

/**
 * Evaluation of text understanding on labelled examples (normally the held-out split): category and
 * sub-type accuracy, per-category precision and recall, the confusion matrix, and the severity
 * figures that matter most — recall of serious cases, food safety above all — next to what the
 * keyword rules of the packs (triage v1) achieve on the same examples.
 */

export interface ClassFigures {
  category: string;
  support: number;
  precision: number;
  recall: number;
}

export interface LineEvaluation {
  examples: number;
  categoryAccuracy: number;
  subTypeAccuracy: number;
  rulesCategoryAccuracy: number;
  classes: ClassFigures[];
  /** confusion[expected][predicted] = count, in the order of `categories`. */
  categories: string[];
  confusion: number[][];
}

export interface SeverityFigures {
  /** Food-safety cases: serious examples of the three food lines. */
  foodSafety: number;
  foodSafetyFound: number;
  foodSafetyRecall: number;
  serious: number;
  seriousFound: number;
  seriousRecall: number;
  /** Of the examples called serious, how many are. */
  seriousPrecision: number;
  accuracy: number;
}

export interface Misread {
  line: BusinessLine;
  text: string;
  expected: string;
  predicted: string;
}

export interface Evaluation {
  examples: number;
  categoryAccuracy: number;
  subTypeAccuracy: number;
  severity: SeverityFigures;
  rules: { categoryAccuracy: number; severity: SeverityFigures };
  lines: Partial<Record<BusinessLine, LineEvaluation>>;
  misclassified: Misread[];
  /** Serious examples the model-based triage did not call serious. */
  missedSerious: Misread[];
}

const FOOD_LINES: readonly BusinessLine[] = ["food_delivery", "fresh_food", "b2b_food_supply"];
const ratio = (a: number, b: number) => (b === 0 ? 1 : a / b);

function severityFigures(rows: ReadonlyArray<{ e: LabelledExample; predicted: Severity }>): SeverityFigures {
  const food = rows.filter((r) => r.e.severity === "serious" && FOOD_LINES.includes(r.e.line));
  const serious = rows.filter((r) => r.e.severity === "serious");
  const calledSerious = rows.filter((r) => r.predicted === "serious");
  const foodSafetyFound = food.filter((r) => r.predicted === "serious").length;
  const seriousFound = serious.filter((r) => r.predicted === "serious").length;
  return {
    foodSafety: food.length,
    foodSafetyFound,
    foodSafetyRecall: ratio(foodSafetyFound, food.length),
    serious: serious.length,
    seriousFound,
    seriousRecall: ratio(seriousFound, serious.length),
    seriousPrecision: ratio(
      calledSerious.filter((r) => r.e.severity === "serious").length,
      calledSerious.length,
    ),
    accuracy: ratio(rows.filter((r) => r.predicted === r.e.severity).length, rows.length),
  };
}

export function evaluate(
  examples: readonly LabelledExample[],
  packs: ReadonlyMap<BusinessLine, PolicyPack>,
  understanding: TextUnderstanding,
): Evaluation {
  const model: Array<{ e: LabelledExample; category: string; subType: string | null; predicted: Severity }> =
    [];
  const rules: Array<{ e: LabelledExample; category: string; predicted: Severity }> = [];
  for (const e of examples) {
    const pack = packs.get(e.line)!;
    const reading = understanding.read(pack, e.text);
    const c = reading ? classifyReading(pack, reading) : classify(pack, e.text);
    model.push({
      e,
      category: c.category.code,
      subType: c.subType?.code ?? null,
      predicted: severityOf(pack, {
        description: e.text,
        urgent: false,
        subType: c.subType,
        reading: reading?.severity,
      }),
    });
    const v1 = classify(pack, e.text);
    rules.push({
      e,
      category: v1.category.code,
      predicted: severityOf(pack, { description: e.text, urgent: false, subType: v1.subType }),
    });
  }

  const lines: Partial<Record<BusinessLine, LineEvaluation>> = {};
  for (const [line, pack] of packs) {
    const rows = model.filter((r) => r.e.line === line);
    if (rows.length === 0) continue;
    const categories = pack.categories.map((c) => c.code);
    const confusion = categories.map(() => categories.map(() => 0));
    for (const r of rows) {
      const i = categories.indexOf(r.e.category);
      const j = categories.indexOf(r.category);
      if (i >= 0 && j >= 0) confusion[i]![j]!++;
    }
    const classes = categories.map((category, i) => {
      const truePositives = confusion[i]![i]!;
      const support = confusion[i]!.reduce((a, b) => a + b, 0);
      const predicted = confusion.reduce((a, row) => a + row[i]!, 0);
      return {
        category,
        support,
        precision: ratio(truePositives, predicted),
        recall: ratio(truePositives, support),
      };
    });
    const lineRules = rules.filter((r) => r.e.line === line);
    lines[line] = {
      examples: rows.length,
      categoryAccuracy: ratio(rows.filter((r) => r.category === r.e.category).length, rows.length),
      subTypeAccuracy: ratio(
        rows.filter((r) => r.category === r.e.category && r.subType === r.e.subType).length,
        rows.length,
      ),
      rulesCategoryAccuracy: ratio(
        lineRules.filter((r) => r.category === r.e.category).length,
        lineRules.length,
      ),
      classes,
      categories,
      confusion,
    };
  }

  const misread = (r: (typeof model)[number], expected: string, predicted: string): Misread => ({
    line: r.e.line,
    text: r.e.text,
    expected,
    predicted,
  });
  return {
    examples: model.length,
    categoryAccuracy: ratio(model.filter((r) => r.category === r.e.category).length, model.length),
    subTypeAccuracy: ratio(
      model.filter((r) => r.category === r.e.category && r.subType === r.e.subType).length,
      model.length,
    ),
    severity: severityFigures(model),
    rules: {
      categoryAccuracy: ratio(rules.filter((r) => r.category === r.e.category).length, rules.length),
      severity: severityFigures(rules),
    },
    lines,
    misclassified: model
      .filter((r) => r.category !== r.e.category)
      .map((r) => misread(r, `${r.e.category}/${r.e.subType}`, `${r.category}/${r.subType}`)),
    missedSerious: model
      .filter((r) => r.e.severity === "serious" && r.predicted !== "serious")
      .map((r) => misread(r, r.e.severity, r.predicted)),
  };
}
