import type { Locale } from "../i18n/locale.tsx";

/** The words of the self-service help page and the links to it, kept beside it (not in the shared dictionaries). */
const WORDS = {
  title: ["常见问题", "Help"],
  subtitle: ["先看看有没有现成的答案，不用等客服", "Find an answer yourself, no waiting for an agent"],
  ask: ["输入您的问题，如：牛排怎么保存", "Type your question, e.g. how to store steak"],
  search: ["搜索", "Search"],
  popular: ["大家都在问", "Popular questions"],
  best: ["最佳答案", "Best answer"],
  related: ["相关内容", "Related answers"],
  noAnswer: ["没有找到确定的答案", "We found no sure answer"],
  noAnswerHint: [
    "请提交售后申请，客服会尽快为您处理。",
    "Please file an after-sales request; an agent will take care of it.",
  ],
  handover: ["这个问题需要客服为您处理", "An agent needs to handle this"],
  fileRequest: ["提交售后申请", "File a request"],
  stillNeedHelp: ["还是没解决？", "Still not solved?"],
  guide: ["使用指南", "Guide"],
  openHelp: ["先看看常见问题", "See common questions first"],
  helpLink: ["常见问题", "Help"],
  disclosure: ["平台售后数据公示", "Our after-sales figures"],
} satisfies Record<string, [string, string]>;

export type HelpWord = keyof typeof WORDS;
export const helpWord = (key: HelpWord, locale: Locale): string => WORDS[key][locale === "en" ? 1 : 0];

/** Questions customers ask most, offered before they type (the knowledge base is written in Chinese). */
export const POPULAR = ["餐没到怎么办", "牛排怎么保存", "退款多久到账", "怎么申请退货"];
