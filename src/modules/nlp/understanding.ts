import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { PolicyPack } from "../../policy-packs/schema.ts";
import type { TextReading } from "../triage/triage.domain.ts";
import {
  type AnalysedText,
  analyse,
  featuresOf,
  type LineModel,
  type ModelData,
  prepareLineModel,
  scoreText,
} from "./classifier.domain.ts";
import { normalise } from "./normalise.ts";
import { segment, warmUpSegmenter } from "./segment.ts";
import { readSeverity } from "./severity.domain.ts";

/**
 * Text understanding at run time: normalise, segment, score with the trained model (`model.json`,
 * built by `npm run train:nlp`) and read the severity. One instance per process, loaded on first use;
 * the model is read-only, so sharing it is safe.
 */
const here = dirname(fileURLToPath(import.meta.url));
export const MODEL_FILE = join(here, "model.json");

export function analyseText(raw: string): AnalysedText {
  return analyse(normalise(raw), segment);
}

export const textFeatures = (raw: string): string[] => featuresOf(analyseText(raw));

export class TextUnderstanding {
  private readonly lines = new Map<string, LineModel>();

  constructor(readonly model: ModelData) {
    for (const [line, data] of Object.entries(model.lines)) this.lines.set(line, prepareLineModel(data));
  }

  /** Category scores and the severity reading of one description, in the terms of its pack. */
  read(pack: PolicyPack, text: string): TextReading | null {
    const model = this.lines.get(pack.businessLine);
    if (!model) return null;
    const analysed = analyseText(text);
    // A pack edited after training may have dropped a sub-type: keep only what the pack still knows.
    const scores = scoreText(model, featuresOf(analysed)).filter((s) => packKnows(pack, s));
    if (scores.length === 0) return null;
    return { scores, severity: readSeverity(analysed.normalised, pack.businessLine, pack.severityRules) };
  }
}

/** Whether the pack has the label's category with its sub-type. */
function packKnows(pack: PolicyPack, label: { category: string; subType: string | null }): boolean {
  for (const c of pack.categories)
    if (c.code === label.category) for (const t of c.subTypes) if (t.code === label.subType) return true;
  return false;
}

let shared: TextUnderstanding | null = null;

export function loadModel(file = MODEL_FILE): ModelData {
  return JSON.parse(readFileSync(file, "utf8")) as ModelData;
}

/** The process's text understanding, loaded (model and dictionaries, about half a second) on first use. */
export function textUnderstanding(): TextUnderstanding {
  if (!shared) {
    shared = new TextUnderstanding(loadModel());
    warmUpSegmenter();
  }
  return shared;
}

/** The reader triage takes: the trained model when there is one for the line, else null (keyword rules). */
export const readText = (pack: PolicyPack, text: string): TextReading | null =>
  textUnderstanding().read(pack, text);
