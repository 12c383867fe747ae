import { type Text, text } from "../../platform/errors.ts";
import type { PolicyPack } from "../../policy-packs/schema.ts";

/**
 * Batch-complaint incidents (批量投诉) in pure rules: which complaints count together (a family of the
 * pack), under which window keys a complaint is counted (a batch, a product in a region, a merchant),
 * when a window reaches the pack's threshold, which open incident a new complaint belongs to, and when
 * an hour's volume is an abnormal rise. The detector job feeds these with rows and stores the answers.
 */

export const DIMENSIONS = ["batch", "product", "merchant"] as const;
/** What a window counts: complaints on one batch, on one product in one region, at one merchant. */
export type Dimension = (typeof DIMENSIONS)[number];

export interface IncidentKey {
  region?: string;
  productId?: string;
  batchNo?: string;
  merchantId?: string;
}

/** The facts of one complaint the detector needs: its ticket, and its order's lines. */
export interface Complaint {
  ticketNo: string;
  businessLine: string;
  category: string;
  subType: string | null;
  region: string;
  merchantId: string;
  /** The order's lines: each product (and batch) of the order is counted; the ticket names no line. */
  items: readonly { productId: string; batchNo?: string }[];
  at: Date;
}

/** One window this complaint counts in, with the incident key it would open. */
export interface WindowKey {
  dimension: Dimension;
  key: string;
  incidentKey: IncidentKey;
}

/** The pack's family of a complaint ("food:foreign_object" or "food" in the family's list), if any. */
export function familyOf(pack: PolicyPack, category: string, subType: string | null): string | null {
  for (const family of pack.thresholds.batchIncident.families ?? [])
    for (const m of family.match) {
      const [c, s] = m.split(":");
      if (c === category && (s === undefined || s === subType)) return family.code;
    }
  return null;
}

/**
 * The windows a complaint counts in, most specific first: a batch points at one production run, a
 * product in a region at a shipment, a merchant at a kitchen. When several reach the threshold together,
 * the first opens the incident and the others join it.
 */
export function windowKeysOf(c: Complaint): WindowKey[] {
  const keys: WindowKey[] = [];
  const seen = new Set<string>();
  const add = (k: WindowKey) => {
    const id = JSON.stringify([k.dimension, k.key]);
    if (seen.has(id)) return;
    seen.add(id);
    keys.push(k);
  };
  for (const item of c.items)
    if (item.batchNo)
      add({
        dimension: "batch",
        key: item.batchNo,
        incidentKey: { batchNo: item.batchNo, productId: item.productId },
      });
  for (const item of c.items)
    add({
      dimension: "product",
      key: JSON.stringify([c.region, item.productId]),
      incidentKey: { region: c.region, productId: item.productId },
    });
  add({ dimension: "merchant", key: c.merchantId, incidentKey: { merchantId: c.merchantId } });
  return keys;
}

/** Where a sliding window of `hours` ending at `at` begins (exclusive). */
export const windowStart = (at: Date, hours: number): Date => new Date(at.getTime() - hours * 3_600_000);

/**
 * Whether the complaints at these instants (the new one among them) reach the threshold within the
 * window ending at `at`: the rule is "`count` similar complaints within `windowHours`".
 */
export function reachesThreshold(
  instants: readonly Date[],
  at: Date,
  rule: { count: number; windowHours: number },
): boolean {
  const from = windowStart(at, rule.windowHours).getTime();
  return instants.filter((t) => t.getTime() > from && t.getTime() <= at.getTime()).length >= rule.count;
}

/**
 * The window of `windowHours` holding `at` in which `count` of these instants fall (the new complaint's
 * among them), or null. Windows ending at or after `at` are tried earliest first: complaints are not
 * always counted in the order they were made (two registered at once commit in either order), so one
 * counted late can complete a window whose newest complaint was counted before it.
 */
export function thresholdWindow(
  instants: readonly Date[],
  at: Date,
  rule: { count: number; windowHours: number },
): { from: Date; to: Date } | null {
  const times = instants.map((t) => t.getTime()).sort((a, b) => a - b);
  const span = rule.windowHours * 3_600_000;
  for (const end of times) {
    if (end < at.getTime()) continue;
    if (end - span >= at.getTime()) break;
    const inside = times.filter((t) => t > end - span && t <= end).length;
    if (inside >= rule.count) return { from: new Date(end - span), to: new Date(end) };
  }
  return null;
}

/** An open incident's key matches a complaint when every field it names is the complaint's. */
export function keyMatches(key: IncidentKey, c: Complaint): boolean {
  if (key.region !== undefined && key.region !== c.region) return false;
  if (key.merchantId !== undefined && key.merchantId !== c.merchantId) return false;
  if (key.productId !== undefined && !c.items.some((i) => i.productId === key.productId)) return false;
  if (key.batchNo !== undefined && !c.items.some((i) => i.batchNo === key.batchNo)) return false;
  return true;
}

/** The start of the hour an instant falls in (hours are the same in UTC and Beijing time). */
export const hourOf = (at: Date): Date => new Date(Math.floor(at.getTime() / 3_600_000) * 3_600_000);

/** The same hour on each of the `days` days before, the baseline of an hour's volume. */
export const baselineHours = (hour: Date, days: number): Date[] =>
  Array.from({ length: days }, (_, i) => new Date(hour.getTime() - (i + 1) * 86_400_000));

/**
 * An abnormal rise: this hour's complaints of a family at a merchant reach `minCount` and are `factor`
 * times the average of the same hour on the baseline days (an hour that had none counts as zero, so a
 * merchant new to complaints needs `minCount`).
 */
export function isVolumeSpike(
  current: number,
  baseline: readonly number[],
  rule: { factor: number; minCount: number },
): boolean {
  if (current < rule.minCount) return false;
  const average = baseline.length ? baseline.reduce((a, b) => a + b, 0) / baseline.length : 0;
  return current >= rule.factor * average;
}

/** Rules a JSON schema cannot say about the families: they name real categories and sub-types, once each. */
export function familyProblems(pack: PolicyPack): string[] {
  const problems: string[] = [];
  const claimed = new Map<string, string>();
  (pack.thresholds.batchIncident.families ?? []).forEach((family, i) => {
    family.match.forEach((m, j) => {
      const at = `/thresholds/batchIncident/families/${i}/match/${j}`;
      const [c, s, extra] = m.split(":");
      const category = pack.categories.find((x) => x.code === c);
      if (!category || extra !== undefined) problems.push(`${at}: unknown category "${m}"`);
      else if (s !== undefined && !category.subTypes.some((x) => x.code === s))
        problems.push(`${at}: "${s}" is not a sub-type of "${c}"`);
      if (claimed.has(m)) problems.push(`${at}: "${m}" is already in family "${claimed.get(m)}"`);
      claimed.set(m, family.code);
    });
  });
  return problems;
}

export const INCIDENT_ACTIONS = [
  "notify_team",
  "sampling_task",
  "suspend_batch",
  "public_notice",
  "extra_compensation",
  "publish_progress",
  "close",
] as const;
export type IncidentAction = (typeof INCIDENT_ACTIONS)[number];

/** The joint investigation team of a batch incident (DOMAIN §7). */
export const INVESTIGATION_TEAM = ["customer_service", "production", "qa", "logistics"] as const;

/**
 * The public notice drafted from the template: what happened, what was done, and when the next word
 * comes. Staff edit it before it goes out; the draft is an event of the incident.
 */
export function publicNoticeDraft(
  incident: { id: string; key: IncidentKey; ticketCount: number },
  expectedHours: number,
): Text {
  const what = [
    incident.key.batchNo && `批次 ${incident.key.batchNo}`,
    incident.key.productId && `商品 ${incident.key.productId}`,
    incident.key.region && `${incident.key.region}地区`,
    incident.key.merchantId && `商家 ${incident.key.merchantId}`,
  ].filter(Boolean);
  const whatEn = [
    incident.key.batchNo && `batch ${incident.key.batchNo}`,
    incident.key.productId && `product ${incident.key.productId}`,
    incident.key.region && `region ${incident.key.region}`,
    incident.key.merchantId && `merchant ${incident.key.merchantId}`,
  ].filter(Boolean);
  return text(
    `关于${what.join("、")}的说明：我们收到 ${incident.ticketCount} 位顾客的相似反馈，已暂停相关批次销售，` +
      `并由客服、生产、质检与物流组成联合调查组抽检。预计 ${expectedHours} 小时内公布调查进展；` +
      `受影响的顾客将获得额外补偿。事件编号 ${incident.id}。`,
    `About ${whatEn.join(", ")}: ${incident.ticketCount} customers reported similar problems. Sales of the ` +
      "batch are suspended and a joint team (customer service, production, QA, logistics) is sampling it. " +
      `We will publish our progress within ${expectedHours} hours; affected customers receive extra ` +
      `compensation. Incident ${incident.id}.`,
  );
}

/** The medical guidance sent to each customer of a food-safety emergency. */
export const MEDICAL_GUIDANCE = text(
  "如您或家人出现腹痛、腹泻、呕吐、发热等不适，请立即停止食用并尽快就医，保留剩余食品、包装和就诊凭证；" +
    "症状严重请拨打 120。平台已暂停该商家营业并介入调查，医疗费用将依法由责任方承担。",
  "If you or your family feel unwell (stomach pain, diarrhoea, vomiting, fever), stop eating the food and " +
    "see a doctor at once; keep the leftovers, the packaging and the medical receipts. In an emergency call " +
    "120. The merchant is suspended and we are investigating; medical costs are borne by the liable party.",
);

/** How long after an emergency (and after each publication) its next public progress is due. */
export const PROGRESS_HOURS = 24;
