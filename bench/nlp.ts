/**
 * `npm run bench -- nlp`: Chinese text understanding, in this process, on one core (all of it is
 * synchronous JavaScript plus jieba's native cut, so one query uses one core).
 *
 * - classification: the whole triage path of one description as intake runs it (normalise, segment,
 *   features, the trained model, the severity reader, triage's choice of sub-type and severity), over the
 *   held-out split of the corpus, BENCH_ROUNDS rounds after a warm-up round; p50/p99 per query;
 * - FAQ match: the chat bot's question → best intent or hand-over, over the labelled question set;
 * - quality: held-out category top-1 accuracy and food-safety recall, FAQ question-set accuracy.
 *
 * Each query is timed twice: wall clock (p50_ms, p99_ms) and the process's CPU time (cpu_p50_ms,
 * cpu_p99_ms). On a shared, loaded machine the wall-clock tail is mostly the time the process waited for
 * a core; the CPU figures say what one query costs on one core. `load` is the 1-minute load average.
 *
 * Environment: BENCH_ROUNDS=20 (rounds over the held-out split and the question set).
 */
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { loadCorpus, split } from "../src/modules/nlp/corpus.ts";
import { evaluate } from "../src/modules/nlp/evaluate.ts";
import { KnowledgeIndex } from "../src/modules/nlp/faq.ts";
import { KNOWLEDGE_DIR, shippedKnowledge, shippedSynonyms } from "../src/modules/nlp/knowledge.ts";
import { textUnderstanding } from "../src/modules/nlp/understanding.ts";
import { classifyReading, severityOf } from "../src/modules/triage/triage.domain.ts";
import { loadPacks } from "../src/policy-packs/load.ts";

const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const ms = (x: number) => x.toFixed(3);

export default async function nlp(): Promise<void> {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 20);
  const packs = loadPacks();

  let started = performance.now();
  const understanding = textUnderstanding();
  const loadMs = performance.now() - started;
  started = performance.now();
  const index = new KnowledgeIndex(shippedKnowledge(), shippedSynonyms());
  const indexMs = performance.now() - started;

  const heldOut = split(loadCorpus()).heldOut;
  const classifyOnce = (line: string, text: string) => {
    const pack = packs.get(line as "food_delivery")!;
    const reading = understanding.read(pack, text)!;
    const c = classifyReading(pack, reading);
    return severityOf(pack, {
      description: text,
      urgent: false,
      subType: c.subType,
      reading: reading.severity,
    });
  };
  const timings: number[] = [];
  const cpu: number[] = [];
  for (let round = 0; round <= rounds; round++)
    for (const e of heldOut) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      classifyOnce(e.line, e.text);
      const wall = performance.now() - t0;
      const c = process.cpuUsage(c0);
      if (round > 0) {
        timings.push(wall);
        cpu.push((c.user + c.system) / 1000);
      }
    }
  timings.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);

  const questions = readFileSync(join(KNOWLEDGE_DIR, "faq-queries.jsonl"), "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { businessLine: string; question: string; expected: string | null });
  const faqTimings: number[] = [];
  const faqCpu: number[] = [];
  for (let round = 0; round <= rounds; round++)
    for (const q of questions) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      index.matchFaq(q.question, q.businessLine);
      const wall = performance.now() - t0;
      const c = process.cpuUsage(c0);
      if (round > 0) {
        faqTimings.push(wall);
        faqCpu.push((c.user + c.system) / 1000);
      }
    }
  faqTimings.sort((a, b) => a - b);
  faqCpu.sort((a, b) => a - b);
  const faqRight = questions.filter((q) => {
    const m = index.matchFaq(q.question, q.businessLine);
    return (m.answered ? m.entry!.id : null) === q.expected;
  }).length;

  const quality = evaluate(heldOut, packs, understanding);
  const chars = heldOut.reduce((n, e) => n + [...e.text].length, 0) / heldOut.length;

  console.log(
    `model and dictionaries loaded in ${Math.round(loadMs)} ms; FAQ index built in ${Math.round(indexMs)} ms`,
  );
  console.log(
    `classification: ${timings.length} queries (${heldOut.length} held-out texts × ${rounds}, ${chars.toFixed(0)} characters on average)`,
  );
  console.log(`FAQ match: ${faqTimings.length} queries (${questions.length} questions × ${rounds})`);
  console.log(
    `BENCH nlp.classify p50_ms=${ms(percentile(timings, 50))} p99_ms=${ms(percentile(timings, 99))} ` +
      `cpu_p50_ms=${ms(percentile(cpu, 50))} cpu_p99_ms=${ms(percentile(cpu, 99))} ` +
      `accuracy=${quality.categoryAccuracy.toFixed(3)} subtype_accuracy=${quality.subTypeAccuracy.toFixed(3)} ` +
      `food_safety_recall=${quality.severity.foodSafetyRecall.toFixed(3)} serious_recall=${quality.severity.seriousRecall.toFixed(3)} ` +
      `serious_precision=${quality.severity.seriousPrecision.toFixed(3)} held_out=${heldOut.length} load=${loadavg()[0]!.toFixed(1)}`,
  );
  console.log(
    `BENCH nlp.faq p50_ms=${ms(percentile(faqTimings, 50))} p99_ms=${ms(percentile(faqTimings, 99))} ` +
      `cpu_p50_ms=${ms(percentile(faqCpu, 50))} cpu_p99_ms=${ms(percentile(faqCpu, 99))} ` +
      `accuracy=${(faqRight / questions.length).toFixed(3)} questions=${questions.length}`,
  );
  console.log(
    `BENCH nlp.rules accuracy=${quality.rules.categoryAccuracy.toFixed(3)} food_safety_recall=${quality.rules.severity.foodSafetyRecall.toFixed(3)}`,
  );
}
