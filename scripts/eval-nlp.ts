/**
 * `npm run eval:nlp [-- --all]`: how well the shipped model (src/modules/nlp/model.json) understands the
 * held-out fifth of the labelled corpus: accuracy, per-category precision and recall, the confusion
 * matrix per business line, severity recall (food safety first), and the keyword rules of the packs on
 * the same examples for comparison. `--all` evaluates on the whole corpus (training examples included).
 */
import { corpusDigest, loadCorpus, split } from "../src/modules/nlp/corpus.ts";
import { evaluate } from "../src/modules/nlp/evaluate.ts";
import { textUnderstanding } from "../src/modules/nlp/understanding.ts";
import { loadPacks } from "../src/policy-packs/load.ts";

const all = process.argv.includes("--all");
const corpus = loadCorpus();
const understanding = textUnderstanding();
if (understanding.model.corpusDigest !== corpusDigest(corpus))
  console.warn("warning: model.json was trained on another version of the corpus; run `npm run train:nlp`\n");
const examples = all ? corpus : split(corpus).heldOut;
const result = evaluate(examples, loadPacks(), understanding);

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const pad = (s: string, n: number) => s + " ".repeat(Math.max(0, n - [...s].length));

console.log(`evaluated on ${result.examples} ${all ? "examples (whole corpus)" : "held-out examples"}\n`);
console.log(
  `category top-1 accuracy  ${pct(result.categoryAccuracy)}   (keyword rules: ${pct(result.rules.categoryAccuracy)})`,
);
console.log(`category+sub-type        ${pct(result.subTypeAccuracy)}`);
const s = result.severity;
const r = result.rules.severity;
console.log(
  `food-safety recall       ${pct(s.foodSafetyRecall)} (${s.foodSafetyFound}/${s.foodSafety})   (keyword rules: ${pct(r.foodSafetyRecall)})`,
);
console.log(
  `serious recall           ${pct(s.seriousRecall)} (${s.seriousFound}/${s.serious})   (keyword rules: ${pct(r.seriousRecall)})`,
);
console.log(
  `serious precision        ${pct(s.seriousPrecision)}   (keyword rules: ${pct(r.seriousPrecision)})`,
);
console.log(`severity accuracy        ${pct(s.accuracy)}   (keyword rules: ${pct(r.accuracy)})`);

for (const [line, l] of Object.entries(result.lines)) {
  console.log(
    `\n== ${line}: ${l.examples} examples, category ${pct(l.categoryAccuracy)} (rules ${pct(l.rulesCategoryAccuracy)}), sub-type ${pct(l.subTypeAccuracy)}`,
  );
  console.log(`   ${pad("category", 18)}${pad("support", 9)}${pad("precision", 11)}recall`);
  for (const c of l.classes)
    console.log(
      `   ${pad(c.category, 18)}${pad(String(c.support), 9)}${pad(pct(c.precision), 11)}${pct(c.recall)}`,
    );
  console.log(`   confusion (rows: expected, columns: predicted)`);
  console.log(`   ${pad("", 18)}${l.categories.map((c) => pad(c.slice(0, 10), 11)).join("")}`);
  l.categories.forEach((c, i) => {
    console.log(`   ${pad(c, 18)}${l.confusion[i]!.map((n) => pad(String(n), 11)).join("")}`);
  });
}

if (result.misclassified.length) {
  console.log("\nmisclassified:");
  for (const m of result.misclassified)
    console.log(`   [${m.line}] ${m.text}  expected ${m.expected}, got ${m.predicted}`);
}
if (result.missedSerious.length) {
  console.log("\nserious cases not called serious:");
  for (const m of result.missedSerious) console.log(`   [${m.line}] ${m.text}  → ${m.predicted}`);
}
