import { useCallback } from "react";
import { useLocale } from "../../i18n/locale.tsx";

/**
 * The words of the knowledge-base screens and the canned-reply picker, Chinese and English side by side,
 * kept here so these pages never touch the shared dictionaries.
 */
const WORDS = {
  menu: ["知识库", "Knowledge base"],
  title: ["知识库", "Knowledge base"],
  all: ["全部", "All"],
  faq: ["常见问题", "FAQ"],
  guide: ["使用指南", "Usage guide"],
  case: ["典型案例", "Typical case"],
  macro: ["快捷回复", "Canned reply"],
  published: ["已发布", "Published"],
  archived: ["已下架", "Archived"],
  allLines: ["全部业务线", "All business lines"],
  everyLine: ["全部业务线（*）", "Every line (*)"],
  searchPlaceholder: ["搜索标题、内容、问法", "Search titles, text and phrasings"],
  empty: ["没有符合条件的条目", "No entries match"],
  create: ["新建条目", "New entry"],
  edit: ["编辑", "Edit"],
  save: ["保存为新版本", "Save as a new version"],
  saveNew: ["创建", "Create"],
  cancel: ["取消", "Cancel"],
  saved: ["已保存为第 {version} 版", "Saved as version {version}"],
  created: ["已创建", "Created"],
  kind: ["类型", "Kind"],
  lines: ["适用业务线", "Business lines"],
  entryTitle: ["标题", "Title"],
  faqTitle: ["标准问题", "Standard question"],
  body: ["内容", "Text"],
  faqBody: ["标准答案", "Standard answer"],
  macroBody: ["回复模板（变量写作 {{customerName}}）", "Template (variables as {{customerName}})"],
  intent: ["意图代码", "Intent code"],
  intentHint: ["小写英文，如 delivery_eta", "lower-case code, e.g. delivery_eta"],
  variants: ["相似问法（每行一个）", "Other phrasings (one per line)"],
  variantsView: ["相似问法", "Other phrasings"],
  variables: ["模板变量", "Template variables"],
  noVariables: ["模板中没有变量", "The template names no variables"],
  tags: ["标签", "Tags"],
  status: ["状态", "Status"],
  note: ["修改说明", "What changed and why"],
  id: ["编号", "Id"],
  idHint: ["可留空，自动生成", "Leave empty to generate one"],
  version: ["版本", "Version"],
  updatedAt: ["更新时间", "Updated"],
  history: ["版本历史", "Version history"],
  editedBy: ["修改人", "Edited by"],
  changed: ["改动", "Changed"],
  firstVersion: ["首个版本", "First version"],
  back: ["返回知识库", "Back to the knowledge base"],
  readOnly: ["您的角色只能查看知识库", "Your role can read the knowledge base, not edit it"],
  formHasErrors: ["请按提示修改", "Please correct the marked fields"],
  // Names of the fields a version can change, for the history.
  f_title: ["标题", "title"],
  f_body: ["内容", "text"],
  f_businessLines: ["业务线", "business lines"],
  f_tags: ["标签", "tags"],
  f_status: ["状态", "status"],
  f_intent: ["意图", "intent"],
  f_variants: ["相似问法", "phrasings"],
  f_data: ["附加信息", "details"],
  // The canned-reply picker in the workspace.
  pick: ["快捷回复", "Canned replies"],
  pickSearch: ["按标题搜索快捷回复", "Search canned replies by title"],
  pickEmpty: ["没有匹配的快捷回复", "No canned reply matches"],
  inserted: ["已插入回复框", "Inserted into the reply"],
  missing: ["请补全模板中的：{names}", "Fill in what the template still needs: {names}"],
} as const satisfies Record<string, readonly [string, string]>;

export type KbWordKey = keyof typeof WORDS;
export type KbWords = (key: KbWordKey, vars?: Record<string, string | number>) => string;

/** `{name}` in a word takes its value; a name without a value stays as written. */
const fill = (text: string, vars: Record<string, string | number> = {}) =>
  text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));

export function useKbWords(): KbWords {
  const side = useLocale().locale === "en" ? 1 : 0;
  return useCallback<KbWords>((key, vars) => fill(WORDS[key][side], vars), [side]);
}

export const KINDS = ["faq", "guide", "case", "macro"] as const;
export type Kind = (typeof KINDS)[number];
export const KIND_COLOURS: Record<Kind, string> = {
  faq: "blue",
  guide: "green",
  case: "purple",
  macro: "gold",
};
