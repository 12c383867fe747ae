import { FirstUnitIndex } from "./lookup.domain.ts";
import { TRADITIONAL_TO_SIMPLIFIED } from "./t2s.ts";

/**
 * Text as customers type it on phones, made comparable: full-width letters and digits to half width,
 * traditional to simplified characters, emoji and WeChat stickers ("[捂脸]") removed, internet spellings
 * ("木有" → "没有") and common typos mapped to the word meant, and Chinese numerals before a unit
 * ("两个小时", "三十分钟") written as digits. Pure and fast: one pass per step, no dictionaries to load.
 */

/** Internet spellings and typos seen in complaints, mapped to the word meant. Longest first matters little here. */
const SPELLINGS: ReadonlyArray<readonly [string, string]> = [
  ["木有", "没有"],
  ["肿么", "怎么"],
  ["咋办", "怎么办"],
  ["神马", "什么"],
  ["啥时候", "什么时候"],
  ["酱紫", "这样"],
  ["歪卖", "外卖"],
  ["外麦", "外卖"],
  ["拉肚纸", "拉肚子"],
  ["拉肚几", "拉肚子"],
  ["闹肚子", "拉肚子"],
  ["窜稀", "拉肚子"],
  ["苍绳", "苍蝇"],
  ["仓蝇", "苍蝇"],
  ["蟑郎", "蟑螂"],
  ["小强", "蟑螂"],
  ["头法", "头发"],
  ["发酶", "发霉"],
  ["异未", "异味"],
  ["骑首", "骑手"],
  ["yue了", "想吐"],
  ["yue", "想吐"],
  ["tmd", ""],
  ["wtf", ""],
];

/** Most texts hold no such spelling: one pass tells, before the spellings are replaced one after the other. */
const SPELLINGS_BY_FIRST_UNIT = new FirstUnitIndex(SPELLINGS.map(([from]) => from));

const DIGITS: Record<string, number> = {
  零: 0,
  〇: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};
const UNITS: Record<string, number> = { 十: 10, 百: 100, 千: 1000, 万: 10000 };

/** "三十" → 30, "两百五" → 250, "一万二千" → 12000; null when the string is not a plain numeral. */
export function chineseNumeral(numeral: string): number | null {
  if (numeral === "") return null;
  let total = 0;
  let section = 0;
  let digit: number | null = null;
  let lastUnit = 0;
  for (const ch of numeral) {
    if (ch === "零" || ch === "〇") {
      // "一百零五": what follows the zero is a plain digit, not a tenth of the last unit.
      if (digit !== null) return null;
      lastUnit = 10;
    } else if (ch in DIGITS) {
      if (digit !== null) return null; // two digits in a row ("一二") is a list, not a number
      digit = DIGITS[ch]!;
    } else if (ch in UNITS) {
      const unit = UNITS[ch]!;
      if (unit === 10000) {
        total += (section + (digit ?? 0)) * unit;
        section = 0;
      } else {
        section += (digit ?? (unit === 10 ? 1 : 0)) * unit;
      }
      lastUnit = unit;
      digit = null;
    } else {
      return null;
    }
  }
  // "两百五" means 250: a trailing digit counts in the unit below the last one.
  if (digit !== null) section += lastUnit >= 100 ? digit * (lastUnit / 10) : digit;
  return total + section;
}

const NUMERAL_BEFORE_UNIT =
  /([零〇一二两三四五六七八九十百千万]+)(?=(?:个多?|多个?)?(?:小时|钟头|分钟|分|秒|天|日|周|星期|礼拜|个月|月|年|斤|公斤|千克|克|盒|箱|袋|份|件|次|块钱|元|单|瓶|桶|包|人|个人))/g;

/** Wide letters, digits and punctuation (U+FF01–FF5E) to their ASCII forms; the ideographic space to a space. */
function halfWidth(text: string): string {
  return text.replace(/[\uff01-\uff5e\u3000]/g, (ch) =>
    ch === "\u3000" ? " " : String.fromCharCode(ch.charCodeAt(0) - 0xfee0),
  );
}

/** Any character of the traditional → simplified table; most texts hold none, and then nothing is copied. */
const TRADITIONAL = new RegExp(
  `[${[...TRADITIONAL_TO_SIMPLIFIED.keys()].map((ch) => ch.replace(/[\\\]^-]/g, "\\$&")).join("")}]`,
  "gu",
);

export function toSimplified(text: string): string {
  return text.replace(TRADITIONAL, (ch) => TRADITIONAL_TO_SIMPLIFIED.get(ch)!);
}

/** Emoji, flags, skin tones and the joiners and selectors that glue them: one run becomes one space. */
const EMOJI =
  /(?:\p{Extended_Pictographic}|[\u{1F1E6}-\u{1F1FF}]|[\u{1F3FB}-\u{1F3FF}]|\u200d|\ufe0e|\ufe0f|\u20e3)+/gu;
/** WeChat and Weibo stickers typed as text: [捂脸] [流泪] [微笑]. */
const STICKER = /\[[\u4e00-\u9fa5a-zA-Z]{1,4}\]/g;

export function stripEmoji(text: string): string {
  return text.replace(STICKER, " ").replace(EMOJI, " ");
}

export function arabicNumerals(text: string): string {
  return text.replace(NUMERAL_BEFORE_UNIT, (numeral) => {
    const value = chineseNumeral(numeral);
    return value === null ? numeral : String(value);
  });
}

/** The one normalisation every consumer (classifier, severity detector, FAQ matcher) applies first. */
export function normalise(raw: string): string {
  let text = halfWidth(raw.normalize("NFC"));
  text = toSimplified(text);
  text = stripEmoji(text).toLowerCase();
  if (SPELLINGS_BY_FIRST_UNIT.foundIn(text))
    for (const [from, to] of SPELLINGS) if (text.includes(from)) text = text.split(from).join(to);
  text = arabicNumerals(text);
  // Runs of the same punctuation ("！！！", "。。。") and of spaces say nothing more than one.
  return text
    .replace(/([!?.,~。！？，、…])\1+/g, "$1")
    .replace(/\s+/g, " ")
    .trim();
}
