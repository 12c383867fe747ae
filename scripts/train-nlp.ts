/**
 * `npm run train:nlp`: trains the complaint classifier on the training part of the labelled corpus
 * (src/modules/nlp/corpus/*.jsonl; the held-out fifth is never seen) and writes
 * src/modules/nlp/model.json, which is committed. Deterministic: the same corpus gives the same file.
 */
import { writeFileSync } from "node:fs";
import type { ModelData } from "../src/modules/nlp/classifier.domain.ts";
import { corpusDigest, loadCorpus, split } from "../src/modules/nlp/corpus.ts";
import { trainModel } from "../src/modules/nlp/train.ts";
import { MODEL_FILE, textFeatures } from "../src/modules/nlp/understanding.ts";
import { loadPacks } from "../src/policy-packs/load.ts";

const started = performance.now();
const examples = loadCorpus();

// The same text twice with different labels would teach the model nothing but noise.
const labels = new Map<string, string>();
const problems: string[] = [];
for (const e of examples) {
  const key = `${e.line}\t${e.text}`;
  const label = `${e.category}/${e.subType}/${e.severity}`;
  const earlier = labels.get(key);
  if (earlier !== undefined) problems.push(`${e.line}: "${e.text}" appears twice (${earlier}, ${label})`);
  labels.set(key, label);
}
if (problems.length) {
  console.error(problems.join("\n"));
  process.exit(1);
}

const { train, heldOut } = split(examples);
const model = trainModel(train, loadPacks(), textFeatures, corpusDigest(examples));

/** One feature a line, so that a retrained model reads as a diff of weights rather than one huge line. */
function serialise(m: ModelData): string {
  const out: string[] = [
    `{"version":${m.version},"corpusDigest":${JSON.stringify(m.corpusDigest)},"lines":{`,
  ];
  Object.entries(m.lines).forEach(([line, data], i, all) => {
    out.push(`${JSON.stringify(line)}:{"labels":${JSON.stringify(data.labels)},`);
    out.push(`"bias":${JSON.stringify(data.bias)},"weights":{`);
    const features = Object.entries(data.weights);
    features.forEach(([f, w], j) => {
      out.push(`${JSON.stringify(f)}:${JSON.stringify(w)}${j < features.length - 1 ? "," : ""}`);
    });
    out.push(`}}${i < all.length - 1 ? "," : ""}`);
  });
  out.push("}}");
  return `${out.join("\n")}\n`;
}

writeFileSync(MODEL_FILE, serialise(model));
const features = Object.values(model.lines).reduce((n, l) => n + Object.keys(l.weights).length, 0);
console.log(
  `trained on ${train.length} examples (${heldOut.length} held out), ${features} features kept, ` +
    `${Math.round(performance.now() - started)} ms → ${MODEL_FILE}`,
);
