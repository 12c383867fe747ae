import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Value } from "typebox/value";
import { familyProblems } from "../modules/incidents/incidents.domain.ts";
import { isStatus } from "../modules/tickets/tickets.domain.ts";
import { BUSINESS_LINES, type BusinessLine, type PolicyPack, PolicyPackSchema } from "./schema.ts";

export class PackError extends Error {}

const here = dirname(fileURLToPath(import.meta.url));

/** Rules a JSON schema cannot say: codes unique, remedy rules naming real categories, sane windows. */
function semanticProblems(pack: PolicyPack): string[] {
  const problems: string[] = [];
  const categoryCodes = new Set<string>();
  pack.categories.forEach((category, i) => {
    if (categoryCodes.has(category.code))
      problems.push(`/categories/${i}/code: duplicate category "${category.code}"`);
    categoryCodes.add(category.code);
    const subCodes = new Set<string>();
    category.subTypes.forEach((sub, j) => {
      if (subCodes.has(sub.code))
        problems.push(`/categories/${i}/subTypes/${j}/code: duplicate sub-type "${sub.code}"`);
      subCodes.add(sub.code);
    });
  });
  pack.remedies.forEach((rule, i) => {
    const category = pack.categories.find((c) => c.code === rule.category);
    if (!category) {
      problems.push(`/remedies/${i}/category: unknown category "${rule.category}"`);
      return;
    }
    rule.subTypes?.forEach((code, j) => {
      if (!category.subTypes.some((s) => s.code === code))
        problems.push(`/remedies/${i}/subTypes/${j}: "${code}" is not a sub-type of "${rule.category}"`);
    });
  });
  if (pack.followUp.returnVisitDays.min > pack.followUp.returnVisitDays.max)
    problems.push("/followUp/returnVisitDays: min is after max");
  if ((pack.followUp.surveyDelayMinutes ?? 0) > pack.followUp.surveyWithinHours * 60)
    problems.push("/followUp/surveyDelayMinutes: later than surveyWithinHours");
  problems.push(...slaProblems(pack, categoryCodes));
  problems.push(...familyProblems(pack));
  return problems;
}

/** The SLA section: real statuses and categories, a target for every clock that runs, levels in order. */
function slaProblems(pack: PolicyPack, categoryCodes: Set<string>): string[] {
  const problems: string[] = [];
  const { sla } = pack;
  for (const field of ["firstResponseMinutes", "resolutionMinutes"] as const)
    for (const code of Object.keys(sla[field].byCategory ?? {}))
      if (!categoryCodes.has(code)) problems.push(`/sla/${field}/byCategory/${code}: unknown category`);
  for (const [name, rule] of Object.entries(sla.clocks)) {
    if (!rule) continue;
    for (const list of ["pauseIn", "stopIn", "restartIn"] as const)
      (rule[list] ?? []).forEach((status, i) => {
        if (!isStatus(status)) problems.push(`/sla/clocks/${name}/${list}/${i}: unknown status "${status}"`);
      });
  }
  if (sla.clocks.review && !sla.reviewMinutes && !sla.reviewBusinessDays)
    problems.push("/sla/clocks/review: needs /sla/reviewMinutes or /sla/reviewBusinessDays");
  if (!sla.clocks.review && (sla.reviewMinutes || sla.reviewBusinessDays))
    problems.push("/sla/clocks: a review target is set but there is no review clock rule");
  if (sla.reviewMinutes && sla.reviewBusinessDays)
    problems.push("/sla/reviewBusinessDays: set reviewMinutes or reviewBusinessDays, not both");
  if (!!sla.clocks.progressUpdate !== !!sla.progressUpdateMinutes)
    problems.push("/sla/clocks/progressUpdate: the rule and /sla/progressUpdateMinutes go together");
  pack.escalation.levels.forEach((level, i) => {
    if (level.level !== i + 1) problems.push(`/escalation/levels/${i}/level: must be ${i + 1}`);
    const before = pack.escalation.levels[i - 1];
    if (before && level.afterMinutes < before.afterMinutes)
      problems.push(`/escalation/levels/${i}/afterMinutes: earlier than level ${before.level}`);
  });
  return problems;
}

/** Validates one pack's parsed JSON; throws naming the file, each field and its problem. */
export function parsePack(file: string, raw: unknown): PolicyPack {
  if (!Value.Check(PolicyPackSchema, raw)) {
    const problems = [...Value.Errors(PolicyPackSchema, raw)]
      .filter((e) => e.keyword !== "boolean")
      .slice(0, 10)
      .map((e) => `${e.instancePath || "/"}: ${e.message}`);
    throw new PackError(`policy pack ${file} is invalid:\n  ${problems.join("\n  ")}`);
  }
  const problems = semanticProblems(raw);
  if (problems.length) throw new PackError(`policy pack ${file} is invalid:\n  ${problems.join("\n  ")}`);
  return raw;
}

export type Packs = ReadonlyMap<BusinessLine, PolicyPack>;

export function loadPacks(dir = here): Packs {
  const packs = new Map<BusinessLine, PolicyPack>();
  for (const line of BUSINESS_LINES) {
    const file = join(dir, `${line}.json`);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, "utf8"));
    } catch (error) {
      throw new PackError(`policy pack ${file} cannot be read: ${(error as Error).message}`);
    }
    const pack = parsePack(file, raw);
    if (pack.businessLine !== line)
      throw new PackError(`policy pack ${file}: /businessLine must be "${line}"`);
    packs.set(line, pack);
  }
  return packs;
}
