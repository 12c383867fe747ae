import { type Text, text } from "../../platform/errors.ts";
import { type Fen, fen, formatYuan } from "../../platform/money.ts";
import {
  type LiableParty,
  type PackRemedyItem,
  type PackRemedyPolicy,
  type PackRemedyRule,
  type PolicyPack,
  REMEDY_ITEM_KINDS,
  type Severity,
} from "../../policy-packs/schema.ts";

/**
 * What the policy pack proposes for a ticket, and whether a decision stays within an agent's limits.
 * Pure and table-driven: the pack's rules, the order's items and the verification come in; items with
 * amounts in integer fen and reasons in words come out. The law's floors are computed here too, so a
 * proposal can show the statutory option with its legal basis beside the pack's remedy.
 */

export type RemedyKind = Exclude<(typeof REMEDY_ITEM_KINDS)[number], "explanation">;
export const REMEDY_KINDS: readonly RemedyKind[] = REMEDY_ITEM_KINDS.filter(
  (k): k is RemedyKind => k !== "explanation",
);
export const PAYERS = ["platform", "merchant", "rider", "logistics", "customer"] as const;
export type Payer = (typeof PAYERS)[number];

/** Kinds that move money to the customer; the rest move goods or people. */
export const MONEY_KINDS: readonly RemedyKind[] = ["refund", "price_difference", "compensation", "coupon"];
/** Money back for the purchase itself: together never more than was paid for the order. */
export const REFUND_KINDS: readonly RemedyKind[] = ["refund", "price_difference"];
export const isMoneyKind = (kind: RemedyKind): boolean => MONEY_KINDS.includes(kind);

/** Each kind in the customer's words (the remedy view, the progress timeline). */
export const REMEDY_KIND_WORDS: Record<RemedyKind, Text> = {
  refund: text("退款", "refund"),
  coupon: text("优惠券", "coupon"),
  compensation: text("赔偿", "compensation"),
  resend: text("补发", "resend"),
  exchange: text("换货", "exchange"),
  repair: text("维修", "repair"),
  return: text("退货", "return"),
  price_difference: text("退差价", "price difference"),
  redeliver: text("重新配送", "redelivery"),
};

export interface RemedyItem {
  kind: RemedyKind;
  amountFen?: Fen;
  payer: Payer;
}

export interface OrderLine {
  productId: string;
  quantity: number;
  unitPriceFen: number;
}

export interface OrderFacts {
  paidFen: number;
  items: readonly OrderLine[];
  paidAt: Date;
  deliveredAt: Date | null;
}

/** The agent's verification (核实情况): is the claim true, who is liable, and what the law cares about. */
export interface VerificationFacts {
  verified: boolean;
  liableParty: LiableParty;
  foodSafetyViolation: boolean;
  fraud: boolean;
  /** The customer's loss beyond the price (e.g. medical costs), when claimed and evidenced. */
  lossFen: number | null;
  /** The affected items; null means the whole order. */
  affectedItems: readonly { productId: string; quantity: number }[] | null;
}

export interface CaseFacts {
  category: string;
  subType: string | null;
  severity: Severity;
  expectedResolution: string | null;
  order: OrderFacts;
  verification: VerificationFacts | null;
  /** Refunds and compensation earlier remedies already committed on this order. */
  refundedFen: number;
  compensatedFen: number;
  now: Date;
}

export type StatuteCode = "food_safety_148" | "fraud_55" | "no_reason_return_25";

export interface RemedyOption {
  items: RemedyItem[];
  reasons: Text[];
  /** Time limits the pack sets for a kind of item (e.g. resend within 48 h). */
  deadlineHours: Partial<Record<RemedyKind, number>>;
}

export interface StatutoryOption extends RemedyOption {
  statute: StatuteCode;
  law: Text;
}

export interface ApprovalNeed {
  required: boolean;
  reasons: Text[];
  moneyFen: number;
  compensationFen: number;
}

export interface Proposal extends RemedyOption {
  source: "rule" | "no_fault" | "none";
  ruleIndex: number | null;
  alternatives: RemedyOption[];
  statutory: StatutoryOption[];
  approval: ApprovalNeed;
  /** The price of the affected items, the base of "n× the price". */
  priceFen: number;
  refundableFen: number;
  compensationCapFen: number;
}

const LAW: Record<StatuteCode, Text> = {
  food_safety_148: text(
    "《中华人民共和国食品安全法》第一百四十八条",
    "Food Safety Law of the PRC, article 148",
  ),
  fraud_55: text(
    "《中华人民共和国消费者权益保护法》第五十五条",
    "Consumer Rights Protection Law of the PRC, article 55",
  ),
  no_reason_return_25: text(
    "《中华人民共和国消费者权益保护法》第二十五条",
    "Consumer Rights Protection Law of the PRC, article 25",
  ),
};

/** 1,000 yuan and 500 yuan: the statutory minimums of the punitive damages. */
export const FOOD_SAFETY_MINIMUM_FEN = 100_000;
export const FRAUD_MINIMUM_FEN = 50_000;
const NO_REASON_RETURN_DAYS = 7;
const DAY_MS = 86_400_000;

const PARTY_WORDS: Record<LiableParty, Text> = {
  platform: text("平台", "the platform"),
  merchant: text("商家", "the merchant"),
  rider: text("骑手", "the rider"),
  logistics: text("物流方", "the carrier"),
  customer: text("客户本人", "the customer"),
  none: text("无责任方", "nobody"),
};

/** base × multiplier in whole fen, rounded half up, without a float ever touching the money. */
export function applyMultiplier(base: number, multiplier = 1): Fen {
  const basisPoints = BigInt(Math.round(multiplier * 10_000));
  return fen(Number((BigInt(base) * basisPoints + 5_000n) / 10_000n));
}

/**
 * What the customer paid for the affected items: their list price, scaled down to the amount paid when
 * the order was discounted. All items of an undiscounted order cost their list price (not the delivery fee).
 */
export function priceOfItems(order: OrderFacts, affected: VerificationFacts["affectedItems"]): Fen {
  const list = (lines: readonly OrderLine[]) => lines.reduce((s, l) => s + l.quantity * l.unitPriceFen, 0);
  const total = list(order.items);
  const chosen = affected
    ? order.items.map((line) => {
        const hit = affected.find((a) => a.productId === line.productId);
        return { ...line, quantity: hit ? Math.min(hit.quantity, line.quantity) : 0 };
      })
    : order.items;
  const affectedList = list(chosen);
  if (total === 0) return fen(0);
  if (order.paidFen >= total) return fen(affectedList);
  return fen(Number((BigInt(affectedList) * BigInt(order.paidFen)) / BigInt(total)));
}

// The pack schema's literal unions type as `never` through TypeBox; these read them as what they are.
type PackKind = (typeof REMEDY_ITEM_KINDS)[number];
const payerOf = (payer: PackRemedyItem["payer"]): Payer => {
  const p = payer as Payer | "seller";
  return p === "seller" ? "merchant" : p;
};

interface Money {
  priceFen: number;
  paidFen: number;
  /** Still refundable on the order, decreasing as refund items take their share. */
  refundable: number;
}

/** A pack bundle priced for this order: explanations become words, refunds stop at what is refundable. */
function priceBundle(bundle: { items: readonly PackRemedyItem[]; reason: Text }, money: Money): RemedyOption {
  let refundable = money.refundable;
  const items: RemedyItem[] = [];
  const reasons: Text[] = [bundle.reason];
  const deadlineHours: RemedyOption["deadlineHours"] = {};
  for (const item of bundle.items) {
    const kind = item.kind as PackKind;
    if (kind === "explanation") continue;
    if (item.deadlineHours) deadlineHours[kind] ??= item.deadlineHours;
    if (!isMoneyKind(kind)) {
      items.push({ kind, payer: payerOf(item.payer) });
      continue;
    }
    const base =
      item.basis === "fixed"
        ? (item.fixedFen ?? 0)
        : applyMultiplier(item.basis === "paid" ? money.paidFen : money.priceFen, item.multiplier);
    let amount = base;
    if (REFUND_KINDS.includes(kind)) {
      amount = Math.min(base, refundable);
      if (amount < base)
        reasons.push(
          text(
            `退款以实付为限：本单仍可退 ${formatYuan(fen(refundable))}`,
            `Refunds stop at what was paid: ${formatYuan(fen(refundable))} is still refundable`,
          ),
        );
      refundable -= amount;
    }
    if (amount > 0) items.push({ kind, amountFen: fen(amount), payer: payerOf(item.payer) });
  }
  return { items, reasons, deadlineHours };
}

const CONDITION_WEIGHTS = { subTypes: 4, severity: 2, liability: 1 } as const;

/** The most specific rule of the pack for the case; a tie goes to the rule written first. */
export function matchRule(
  pack: PolicyPack,
  c: { category: string; subType: string | null; severity: Severity; liability: LiableParty | null },
): { rule: PackRemedyRule; index: number } | null {
  let best: { rule: PackRemedyRule; index: number; score: number } | null = null;
  pack.remedies.forEach((rule, index) => {
    if (rule.category !== c.category) return;
    if (rule.subTypes && !(c.subType && rule.subTypes.includes(c.subType))) return;
    if (rule.severity && (rule.severity as Severity) !== c.severity) return;
    const liability = rule.liability as readonly LiableParty[] | undefined;
    if (liability && !(c.liability && liability.includes(c.liability))) return;
    const score =
      (rule.subTypes ? CONDITION_WEIGHTS.subTypes : 0) +
      (rule.severity ? CONDITION_WEIGHTS.severity : 0) +
      (rule.liability ? CONDITION_WEIGHTS.liability : 0);
    if (!best || score > best.score) best = { rule, index, score };
  });
  return best;
}

/** No fault on our side: the customer is liable, nobody is, or the claim could not be confirmed. */
export const isNoFault = (v: VerificationFacts | null): boolean =>
  !!v && (!v.verified || v.liableParty === "customer" || v.liableParty === "none");

/** The customer's expected resolution, as the kinds of item that would fulfil it, best first. */
const EXPECTED_KINDS: Record<string, readonly RemedyKind[]> = {
  refund: ["refund"],
  remake: ["resend", "exchange"],
  compensation: ["compensation", "coupon", "price_difference"],
  exchange: ["exchange", "resend"],
  return: ["return", "refund"],
  repair: ["repair"],
};

function pickByExpectation(options: RemedyOption[], expected: string | null): number {
  for (const kind of EXPECTED_KINDS[expected ?? ""] ?? []) {
    const i = options.findIndex((o) => o.items.some((item) => item.kind === kind));
    if (i >= 0) return i;
  }
  return 0;
}

function statutoryOptions(
  pack: PolicyPack,
  facts: CaseFacts,
  money: Money,
  statutesOfRule: readonly string[],
): { options: StatutoryOption[]; notes: Text[] } {
  const v = facts.verification;
  const options: StatutoryOption[] = [];
  const notes: Text[] = [];
  const refund = (): RemedyItem[] => {
    const amount = Math.min(money.priceFen, money.refundable);
    return amount > 0 ? [{ kind: "refund", amountFen: fen(amount), payer: "merchant" }] : [];
  };
  if (v?.verified && v.foodSafetyViolation) {
    const loss = v.lossFen ?? 0;
    const punitive = Math.max(
      applyMultiplier(money.priceFen, 10),
      applyMultiplier(loss, 3),
      FOOD_SAFETY_MINIMUM_FEN,
    );
    const items = [
      ...refund(),
      { kind: "compensation" as const, amountFen: fen(punitive), payer: "merchant" as const },
    ];
    // "Besides the loss": a loss beyond the price is compensated on top of the punitive damages.
    if (loss > money.priceFen)
      items.push({ kind: "compensation", amountFen: fen(loss - money.priceFen), payer: "merchant" });
    options.push({
      statute: "food_safety_148",
      law: LAW.food_safety_148,
      items,
      deadlineHours: {},
      reasons: [
        text(
          `经核实食品不符合食品安全标准：除赔偿损失外，可要求价款十倍或者损失三倍的赔偿金，不足一千元的为一千元（本单 ${formatYuan(fen(punitive))}）`,
          `Food confirmed not to meet safety standards: besides the loss, 10× the price or 3× the loss, at least 1,000 yuan (here ${formatYuan(fen(punitive))})`,
        ),
      ],
    });
  } else if (statutesOfRule.includes("food_safety_148"))
    notes.push(
      text(
        "如经核实食品不符合食品安全标准，客户可依《食品安全法》第一百四十八条主张价款十倍或者损失三倍的赔偿金（不足一千元的为一千元）",
        "If the food is confirmed not to meet safety standards, the customer may claim 10× the price or 3× the loss, at least 1,000 yuan (Food Safety Law art. 148)",
      ),
    );
  if (v?.verified && v.fraud) {
    const punitive = Math.max(applyMultiplier(money.priceFen, 3), FRAUD_MINIMUM_FEN);
    options.push({
      statute: "fraud_55",
      law: LAW.fraud_55,
      items: [...refund(), { kind: "compensation", amountFen: fen(punitive), payer: "merchant" }],
      deadlineHours: {},
      reasons: [
        text(
          `经营者有欺诈行为：退还价款，并增加赔偿价款的三倍，不足五百元的为五百元（本单 ${formatYuan(fen(punitive))}）`,
          `Fraud by the seller: refund plus 3× the price, at least 500 yuan (here ${formatYuan(fen(punitive))})`,
        ),
      ],
    });
  } else if (statutesOfRule.includes("fraud_55"))
    notes.push(
      text(
        "如经核实经营者存在欺诈，客户可依《消费者权益保护法》第五十五条主张价款三倍的赔偿（不足五百元的为五百元）",
        "If fraud is confirmed, the customer may claim 3× the price, at least 500 yuan (Consumer Rights Protection Law art. 55)",
      ),
    );
  const wantsReturn =
    facts.expectedResolution === "return" || (isNoFault(v) && facts.expectedResolution === "refund");
  if (wantsReturn && pack.remedyPolicy.perishable)
    notes.push(
      text(
        "生鲜及易腐商品不适用七日无理由退货（《消费者权益保护法》第二十五条）",
        "Fresh and perishable goods are excluded from the seven-day no-reason return (Consumer Rights Protection Law art. 25)",
      ),
    );
  const received = facts.order.deliveredAt;
  const inTime = !received || facts.now.getTime() - received.getTime() <= NO_REASON_RETURN_DAYS * DAY_MS;
  if (wantsReturn && !pack.remedyPolicy.perishable) {
    if (inTime)
      options.push({
        statute: "no_reason_return_25",
        law: LAW.no_reason_return_25,
        items: [{ kind: "return", payer: "customer" }, ...refund()],
        deadlineHours: {},
        reasons: [
          text(
            "收到商品之日起七日内无理由退货：商品完好即可退货退款，退回运费由消费者承担",
            "Seven-day no-reason return from receipt: goods in good condition may be returned for a refund; the customer pays the return freight",
          ),
        ],
      });
    else
      notes.push(
        text(
          "已超过收货后七日，不适用无理由退货（《消费者权益保护法》第二十五条）",
          "More than seven days since receipt: no no-reason return (Consumer Rights Protection Law art. 25)",
        ),
      );
  }
  return { options, notes };
}

/** The largest compensation the order may still carry: the pack's cap, or a statutory floor above it. */
function compensationCap(policy: PackRemedyPolicy, facts: CaseFacts, statutory: StatutoryOption[]): number {
  const sum = (items: RemedyItem[]) =>
    items.filter((i) => i.kind === "compensation").reduce((s, i) => s + (i.amountFen ?? 0), 0);
  const cap = Math.max(
    applyMultiplier(facts.order.paidFen, policy.compensationCapMultiple),
    ...statutory.map((o) => sum(o.items)),
  );
  return Math.max(0, cap - facts.compensatedFen);
}

const sumOf = (items: readonly RemedyItem[], kinds: readonly RemedyKind[]): number =>
  items.filter((i) => kinds.includes(i.kind)).reduce((s, i) => s + (i.amountFen ?? 0), 0);

/** Above the agent's amount or compensation multiple, a supervisor approves. */
export function approvalNeed(
  policy: PackRemedyPolicy,
  items: readonly RemedyItem[],
  priceFen: number,
): ApprovalNeed {
  const moneyFen = sumOf(items, MONEY_KINDS);
  const compensationFen = sumOf(items, ["compensation"]);
  const limits = policy.approvalLimits;
  const reasons: Text[] = [];
  if (moneyFen > limits.amountFen)
    reasons.push(
      text(
        `金额 ${formatYuan(fen(moneyFen))} 超过客服可决定的 ${formatYuan(fen(limits.amountFen))}，需主管审批`,
        `${formatYuan(fen(moneyFen))} is above the agent's limit of ${formatYuan(fen(limits.amountFen))}: a supervisor approves`,
      ),
    );
  const basisPoints = Math.round(limits.compensationMultiple * 10_000);
  if (compensationFen > 0 && BigInt(compensationFen) * 10_000n > BigInt(priceFen) * BigInt(basisPoints))
    reasons.push(
      text(
        `赔偿超过售价的 ${limits.compensationMultiple} 倍，需主管审批`,
        `Compensation above ${limits.compensationMultiple}× the price: a supervisor approves`,
      ),
    );
  return { required: reasons.length > 0, reasons, moneyFen, compensationFen };
}

function verificationNote(v: VerificationFacts | null): Text[] {
  if (!v) return [text("尚未记录核实结果，方案为初步建议", "Not verified yet: this proposal is provisional")];
  if (!v.verified) return [text("核实结果：问题未能确认", "Verification: the claim could not be confirmed")];
  const party = PARTY_WORDS[v.liableParty];
  return [text(`核实结果：责任方为${party["zh-CN"]}`, `Verification: ${party.en} is liable`)];
}

/** The pack's standard remedy for the case, its alternatives, the statutory options and what needs approval. */
export function propose(pack: PolicyPack, facts: CaseFacts): Proposal {
  const policy = pack.remedyPolicy;
  const v = facts.verification;
  const money: Money = {
    priceFen: priceOfItems(facts.order, v?.affectedItems ?? null),
    paidFen: facts.order.paidFen,
    refundable: Math.max(0, facts.order.paidFen - facts.refundedFen),
  };
  const liability = v ? (v.verified ? v.liableParty : "none") : null;
  const matched = matchRule(pack, { ...facts, liability });
  const noFault = isNoFault(v) && !matched?.rule.liability;
  const source: Proposal["source"] = noFault ? "no_fault" : matched ? "rule" : "none";
  const bundle = noFault ? policy.noFault : matched?.rule;
  const options = bundle
    ? [bundle, ...(bundle.alternatives ?? [])].map((b) => priceBundle(b, money))
    : [
        {
          items: [],
          reasons: [
            text(
              "该问题无标准方案，请按核实情况调整",
              "No standard remedy for this case: adjust it to the facts",
            ),
          ],
          deadlineHours: {},
        },
      ];
  const chosen = pickByExpectation(options, facts.expectedResolution);
  const main = options[chosen]!;
  const { options: statutory, notes } = statutoryOptions(
    pack,
    facts,
    money,
    noFault ? [] : ((matched?.rule.statutes as readonly string[] | undefined) ?? []),
  );
  const approval = approvalNeed(policy, main.items, money.priceFen);
  const reasons = [
    ...main.reasons,
    ...(chosen > 0
      ? [text("按客户期望的处理方式选择了此方案", "Chosen to match the resolution the customer asked for")]
      : []),
    ...verificationNote(v),
    ...notes,
    ...statutory.map((s) =>
      text(`可依${s.law["zh-CN"]}处理，见法定方案`, `The statutory option applies: ${s.law.en}`),
    ),
    ...approval.reasons,
  ];
  return {
    ...main,
    reasons,
    source,
    ruleIndex: noFault ? null : (matched?.index ?? null),
    alternatives: options.filter((_, i) => i !== chosen),
    statutory,
    approval,
    priceFen: money.priceFen,
    refundableFen: money.refundable,
    compensationCapFen: compensationCap(policy, facts, statutory),
  };
}

export interface DecisionProblem {
  field: string;
  code: string;
  message: Text;
}

export interface Decision {
  items: RemedyItem[];
  /** Which offered option the decision took, or `adjusted` when the agent changed it. */
  option: "standard" | "alternative" | "statutory" | "adjusted";
  statute: StatuteCode | null;
  approval: ApprovalNeed;
  deadlineHours: RemedyOption["deadlineHours"];
}

const canonical = (items: readonly RemedyItem[]): string =>
  items
    .map((i) => `${i.kind}:${i.amountFen ?? ""}:${i.payer}`)
    .sort()
    .join("|");

/**
 * The agent's decision on a proposal: the proposal as it stands, one of its alternatives or statutory
 * options, or adjusted items. Refunds never above what is refundable and compensation never above the
 * cap (hard limits, for everyone); above the approval limits the decision waits for a supervisor.
 */
export function decide(
  pack: PolicyPack,
  proposal: Proposal,
  requested: readonly RemedyItem[] | undefined,
): { decision: Decision } | { problems: DecisionProblem[] } {
  const items = requested ? requested.map((i) => ({ ...i })) : proposal.items;
  const problems: DecisionProblem[] = [];
  items.forEach((item, i) => {
    if (isMoneyKind(item.kind) && !(item.amountFen !== undefined && item.amountFen > 0))
      problems.push({
        field: `items.${i}.amountFen`,
        code: "AMOUNT_REQUIRED",
        message: text("金钱类方案需填写金额（分）", "a money remedy needs an amount in fen"),
      });
    if (!isMoneyKind(item.kind) && item.amountFen !== undefined)
      problems.push({
        field: `items.${i}.amountFen`,
        code: "AMOUNT_NOT_ALLOWED",
        message: text("补发、换货等方案不带金额", "goods remedies carry no amount"),
      });
  });
  const refunds = sumOf(items, REFUND_KINDS);
  if (refunds > proposal.refundableFen)
    problems.push({
      field: "items",
      code: "REFUND_EXCEEDS_PAID",
      message: text(
        `退款合计 ${formatYuan(fen(refunds))} 超过本单仍可退的 ${formatYuan(fen(proposal.refundableFen))}`,
        `Refunds of ${formatYuan(fen(refunds))} exceed the ${formatYuan(fen(proposal.refundableFen))} still refundable`,
      ),
    });
  const compensation = sumOf(items, ["compensation"]);
  if (compensation > proposal.compensationCapFen)
    problems.push({
      field: "items",
      code: "COMPENSATION_ABOVE_CAP",
      message: text(
        `赔偿 ${formatYuan(fen(compensation))} 超过上限 ${formatYuan(fen(proposal.compensationCapFen))}`,
        `Compensation of ${formatYuan(fen(compensation))} is above the cap of ${formatYuan(fen(proposal.compensationCapFen))}`,
      ),
    });
  if (problems.length) return { problems };
  const key = canonical(items);
  const statutory = proposal.statutory.find((s) => canonical(s.items) === key);
  const option: Decision["option"] =
    key === canonical(proposal.items)
      ? "standard"
      : statutory
        ? "statutory"
        : proposal.alternatives.some((a) => canonical(a.items) === key)
          ? "alternative"
          : "adjusted";
  const deadlineHours = Object.assign(
    {},
    ...[...proposal.alternatives].reverse().map((a) => a.deadlineHours),
    proposal.deadlineHours,
  );
  return {
    decision: {
      items,
      option,
      statute: statutory?.statute ?? null,
      approval: approvalNeed(pack.remedyPolicy, items, proposal.priceFen),
      deadlineHours,
    },
  };
}

export const partyWords = (party: LiableParty): Text => PARTY_WORDS[party];
