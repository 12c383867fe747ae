import type { BusinessLine, Severity } from "../../policy-packs/schema.ts";
import { FirstUnitIndex } from "./lookup.domain.ts";
import { ClauseMoods, clausesOf, type Mood } from "./text.domain.ts";

/**
 * The severity reader: food-safety, health and injury signals in a complaint, each read with its mood
 * (said, denied, or only supposed), plus signals that many people are affected. Missing a food-safety
 * case is far worse than a false alarm, so the lexicon is wide, a signal counts unless it is clearly
 * denied ("没有异物") or clearly hypothetical ("如果有虫怎么办", "会不会变质"), and every serious keyword of
 * the policy pack is a signal too: the reader is never less sensitive than the pack's own rules. Pure.
 */

export type SignalKind = "food_safety" | "health" | "injury" | "fraud" | "pack" | "mass" | "minor";

export interface SeveritySignal {
  term: string;
  kind: SignalKind;
  mood: Mood;
}

export interface SeverityReading {
  severity: Severity;
  /** Every signal found, in lexicon order, with its mood. */
  signals: SeveritySignal[];
  /** Serious signals that are said, not denied or supposed: why the text reads as serious. */
  serious: string[];
  /** Serious words were present but every one was denied or hypothetical ("没有异物，就是有点凉"). */
  cancelled: boolean;
  /** Several people are affected ("我们单位好几个人都拉肚子"): a possible mass incident. */
  massAffected: boolean;
}

/** Foreign objects, spoilage, contamination: the signals of unsafe food. */
const FOOD_SAFETY = [
  "异物",
  "头发",
  "毛发",
  "发丝",
  "一根毛",
  "根毛",
  "猪毛",
  "长毛",
  "白毛",
  "绿毛",
  "有毛",
  "鸡毛",
  "虫",
  "蛆",
  "苍蝇",
  "蟑螂",
  "老鼠",
  "蚂蚁",
  "蜗牛",
  "蛞蝓",
  "屎",
  "钢丝",
  "铁丝",
  "铁片",
  "铁屑",
  "针头",
  "螺丝",
  "玻璃",
  "塑料片",
  "塑料渣",
  "石子",
  "石头",
  "沙子",
  "指甲",
  "创可贴",
  "烟头",
  "订书钉",
  "皮筋",
  "线头",
  "抹布",
  "不明物",
  "黑色的东西",
  "脏东西",
  "变质",
  "馊",
  "发霉",
  "霉",
  "腐烂",
  "烂了",
  "烂掉",
  "发臭",
  "臭",
  "异味",
  "怪味",
  "发酸",
  "酸了",
  "哈喇",
  "过期",
  "不新鲜",
  "发黑",
  "发绿",
  "发粘",
  "发黏",
  "拉丝",
  "胀袋",
  "没熟",
  "半生",
  "夹生",
  "血水",
  "坏了",
  "烂",
  "是生的",
  "一股味",
  "不合格",
  "塑料",
  "坏的",
  "坏掉",
  "蔫",
  "发芽",
  "鼓起",
  "鼓鼓的",
  "胀气",
  "黏糊",
  "刺鼻",
  "农残",
  "农药",
  "消毒水",
  "汽油味",
  "洗洁精",
  "化学",
  "污染",
];

/** The body's reaction: illness after eating, or an injury from the goods. */
const HEALTH = [
  "腹泻",
  "拉肚子",
  "拉稀",
  "吃坏",
  "坏肚子",
  "一直在拉",
  "拉了一晚",
  "跑厕所",
  "吐",
  "呕吐",
  "吐了",
  "想吐",
  "恶心",
  "肚子疼",
  "肚子痛",
  "胃疼",
  "胃痛",
  "肠胃炎",
  "发烧",
  "头晕",
  "过敏",
  "疹子",
  "红疹",
  "起疹",
  "中毒",
  "住院",
  "急诊",
  "医院",
  "看医生",
  "吊针",
  "输液",
  "上吐下泻",
  "不舒服",
  "卡喉咙",
  "卡嗓子",
  "划破",
  "割破",
  "扎嘴",
  "硌牙",
  "崩牙",
  "牙崩",
];

/** Goods that hurt: fire, electricity, burns (e-commerce). */
const INJURY = [
  "爆炸",
  "起火",
  "着火",
  "自燃",
  "冒烟",
  "火花",
  "冒火",
  "烧焦",
  "漏电",
  "触电",
  "电到",
  "鼓包",
  "受伤",
  "烫伤",
  "割伤",
  "划伤",
  "红肿",
  "烂脸",
  "过敏",
  "变质",
  "食物中毒",
  "假货",
];

/** Counterfeits (e-commerce): a statutory matter (三倍赔偿), handled as serious. */
const FRAUD = [
  "假货",
  "假的",
  "山寨",
  "高仿",
  "仿冒",
  "冒充",
  "伪造",
  "以次充好",
  "翻新机",
  "莆田",
  "a货",
  "假冒",
];

const MINOR = ["轻微", "一点点", "有点瘪", "小凹", "小划痕", "不影响", "有点模糊"];

/** Several people, a whole family, a canteen: a signal of a mass incident when illness comes with it. */
const MASS = [
  /好几个(人|同事|同学|孩子|家人|员工|学生)/,
  /几个人都/,
  /(好多|很多|不少)人/,
  /多(人|名)/,
  /全家/,
  /一家人/,
  /一家[三四五六]口/,
  /大家都/,
  /(同事|同学|室友|员工|学生|孩子|家人|老人)们?(都|也|全)/,
  /全班/,
  /整个(部门|班|公司|宿舍|食堂|单位)/,
  /一桌/,
  /一起吃的(人)?都/,
  /都(吐|拉|不舒服|过敏|发烧|肚子)/,
  /(\d{2,}|[3-9])个?人/,
  /十几个/,
  /[二三四五六七八九]十多个/,
];

/** Words that contain a signal but are harmless: 毛肚, 臭豆腐, 压烂 (transit damage, not rot) … */
const HARMLESS = [
  "毛肚",
  "毛豆",
  "毛巾",
  "毛衣",
  "毛病",
  "虫草",
  "臭豆腐",
  "臭鳜鱼",
  "螺蛳粉",
  "臭脸",
  "臭骂",
  "霉干菜",
  "梅干菜",
  "霉豆腐",
  "倒霉",
  "太酸",
  "压烂",
  "压坏",
  "摔坏",
  "碰坏",
  "磕坏",
  "颠坏",
  "车坏",
  "玻璃瓶",
  "玻璃杯",
  "玻璃罐",
  "摔烂",
  "挤烂",
  "碰烂",
  "磕烂",
  "饿坏了",
  "泡烂",
  "泡坨",
  "炖烂",
  "煮烂",
  "蒸烂",
  "烂摊子",
  "破烂",
  "吐槽",
  "吐司",
  "塑料袋",
  "塑料盒",
  "塑料瓶",
  "塑料杯",
  "塑料桶",
  "塑料筐",
  "气坏了",
  "急坏了",
  "累坏了",
  "脏话",
  "券过期",
  "红包过期",
];

const FOOD_LINES: readonly BusinessLine[] = ["food_delivery", "fresh_food", "b2b_food_supply"];

/** One line's signal terms, in lexicon order, indexed by their first UTF-16 unit for a one-pass search. */
interface Lexicon {
  terms: ReadonlyArray<readonly [string, SignalKind]>;
  byFirstUnit: FirstUnitIndex;
}

/** Lexicons built so far, by line, with the pack keywords each was built from. */
const lexicons = new Map<
  BusinessLine,
  Array<{ serious: readonly string[]; minor: readonly string[]; lexicon: Lexicon }>
>();

const sameWords = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((w, i) => w === b[i]);

/** The lexicon of one line: food lines read food safety and illness; e-commerce reads injury and illness. */
function lexiconOf(
  line: BusinessLine,
  packSerious: readonly string[],
  packMinor: readonly string[],
): Lexicon {
  const built = lexicons.get(line) ?? [];
  const cached = built.find((b) => sameWords(b.serious, packSerious) && sameWords(b.minor, packMinor));
  if (cached) return cached.lexicon;
  const terms: Array<readonly [string, SignalKind]> = [];
  const seen = new Set<string>();
  const add = (term: string, kind: SignalKind) => {
    if (!seen.has(term)) {
      seen.add(term);
      terms.push([term, kind]);
    }
  };
  const food = FOOD_LINES.includes(line);
  if (food) for (const t of FOOD_SAFETY) add(t, "food_safety");
  if (line === "food_delivery")
    for (const t of ["脏", "沾了", "污渍", "不卫生", "残渣"]) add(t, "food_safety");
  if (line === "ecommerce") for (const t of FRAUD) add(t, "fraud");
  for (const t of HEALTH) add(t, "health");
  if (!food) for (const t of INJURY) add(t, "injury");
  for (const t of packSerious) add(t, "pack");
  for (const t of [...MINOR, ...packMinor]) add(t, "minor");
  const lexicon = { terms, byFirstUnit: new FirstUnitIndex(terms.map(([term]) => term)) };
  built.push({ serious: [...packSerious], minor: [...packMinor], lexicon });
  lexicons.set(line, built);
  return lexicon;
}

const HARMLESS_BY_FIRST_UNIT = new FirstUnitIndex(HARMLESS);

/**
 * Blanks out the harmless words, one after the other in HARMLESS order (an earlier one can hide a later
 * one: 压烂摊子). Most texts hold none: one pass tells, and blanking never makes a new one appear.
 */
function mask(text: string): string {
  if (!HARMLESS_BY_FIRST_UNIT.foundIn(text)) return text;
  let out = text;
  for (const h of HARMLESS) if (out.includes(h)) out = out.split(h).join("□".repeat(h.length));
  return out;
}

const MOOD_RANK: Record<Mood, number> = { negated: 1, hypothetical: 2, asserted: 3 };
const BY_RANK: readonly Mood[] = ["negated", "negated", "hypothetical", "asserted"];

/**
 * The lexicon terms found in the clauses (indexes, ascending) with the mood of each: asserted if any
 * occurrence is said, else hypothetical if any is supposed, else negated. Occurrences of one term are
 * taken left to right without overlapping, as `indexOf` finds them; one pass per clause finds all terms.
 */
function termMoods(lexicon: Lexicon, clauses: readonly string[]): Array<{ term: number; mood: Mood }> {
  // Per term found: its best mood rank, and where (in the clauses laid end to end) its last occurrence ends.
  const found: number[] = [];
  const ranks: number[] = [];
  const ends: number[] = [];
  let base = 0;
  for (const clause of clauses) {
    let moods: ClauseMoods | null = null;
    for (let at = 0; at < clause.length; at++) {
      for (const t of lexicon.byFirstUnit.candidates(clause.charCodeAt(at))) {
        const term = lexicon.byFirstUnit.words[t]!;
        if (!clause.startsWith(term, at)) continue;
        let k = found.indexOf(t);
        if (k >= 0 && base + at < ends[k]!) continue;
        if (k < 0) k = found.push(t) - 1;
        ends[k] = base + at + term.length;
        moods ??= new ClauseMoods(clause);
        ranks[k] = Math.max(ranks[k] ?? 0, MOOD_RANK[moods.at(at)]);
      }
    }
    base += clause.length;
  }
  return found.map((term, k) => ({ term, mood: BY_RANK[ranks[k]!]! })).sort((a, b) => a.term - b.term);
}

/**
 * Reads the severity of an already normalised text for one business line. `pack` brings the line's own
 * serious and minor keywords.
 */
export function readSeverity(
  normalisedText: string,
  line: BusinessLine,
  pack: { seriousKeywords: readonly string[]; minorKeywords: readonly string[] },
): SeverityReading {
  const clauses = clausesOf(mask(normalisedText));
  const signals: SeveritySignal[] = [];
  const serious: string[] = [];
  let present = false;
  let minor = false;
  const lexicon = lexiconOf(line, pack.seriousKeywords, pack.minorKeywords);
  for (const { term: t, mood } of termMoods(lexicon, clauses)) {
    const [term, kind] = lexicon.terms[t]!;
    signals.push({ term, kind, mood });
    if (kind === "minor") {
      if (mood === "asserted") minor = true;
      continue;
    }
    present = true;
    if (mood === "asserted") serious.push(term);
  }
  const mass = massSignal(clauses);
  if (mass !== null) signals.push({ term: mass, kind: "mass", mood: "asserted" });
  return {
    severity: serious.length > 0 ? "serious" : minor ? "minor" : "general",
    signals,
    serious,
    cancelled: present && serious.length === 0,
    massAffected: mass !== null,
  };
}

/** Any of MASS, in one pass: most clauses hold none, and then the patterns need not be tried one by one. */
const ANY_MASS = new RegExp(MASS.map((p) => p.source).join("|"));

/** The first mass signal, clause by clause and in the order of MASS, or null. */
function massSignal(clauses: readonly string[]): string | null {
  for (const clause of clauses)
    if (ANY_MASS.test(clause))
      for (const pattern of MASS) {
        const match = pattern.exec(clause);
        if (match) return match[0];
      }
  return null;
}
