import { createInterface } from "node:readline";
import type { Packs } from "../../policy-packs/load.ts";
import { BUSINESS_LINES, type BusinessLine } from "../../policy-packs/schema.ts";
import { classify, classifyReading, severityOf } from "../triage/triage.domain.ts";
import { textUnderstanding } from "./understanding.ts";

/**
 * `npx aftersale classify`: JSON lines {"text","businessLine"} on stdin, one JSON line
 * {"category","subType","severity","confidence"} per input line on stdout, in order. A line that cannot
 * be read answers {"error": "..."} so that output lines still pair with input lines; blank lines are skipped.
 */
export function classifyLine(packs: Packs, raw: string): Record<string, unknown> {
  let input: unknown;
  try {
    input = JSON.parse(raw);
  } catch {
    return { error: "not a JSON object" };
  }
  const { text, businessLine } = (input && typeof input === "object" ? input : {}) as Record<string, unknown>;
  if (typeof text !== "string" || text.trim() === "") return { error: "text must be a non-empty string" };
  if (!BUSINESS_LINES.includes(businessLine as BusinessLine))
    return { error: `businessLine must be one of ${BUSINESS_LINES.join(", ")}` };
  const pack = packs.get(businessLine as BusinessLine)!;
  const reading = textUnderstanding().read(pack, text);
  const c = reading ? classifyReading(pack, reading) : classify(pack, text);
  const severity = severityOf(pack, {
    description: text,
    urgent: false,
    subType: c.subType,
    reading: reading?.severity,
  });
  return { category: c.category.code, subType: c.subType?.code ?? null, severity, confidence: c.confidence };
}

export async function runClassify(
  packs: Packs,
  input: NodeJS.ReadableStream = process.stdin,
  output: NodeJS.WritableStream = process.stdout,
): Promise<void> {
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const raw of lines) {
    if (raw.trim() === "") continue;
    output.write(`${JSON.stringify(classifyLine(packs, raw))}\n`);
  }
}
