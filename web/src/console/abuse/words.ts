import type { Locale } from "../../i18n/locale.tsx";

const WORDS = {
  menu: ["黑名单", "Blacklist"],
  score: ["恶意投诉评分", "Malicious-complaint score"],
  scorePending: ["评分计算中", "score pending"],
  blacklisted: [
    "黑名单客户（由主管处理，不得拒绝受理）",
    "Blacklisted customer (a supervisor handles it; never refused)",
  ],
  until: ["至", "until"],
  suspended: ["批次/商家已暂停销售", "Batch/merchant suspended"],
  phone: ["手机号", "Phone"],
  reason: ["理由", "Reason"],
  evidence: ["证据（服务单号，逗号分隔）", "Evidence (ticket numbers, comma-separated)"],
  expiresAt: ["到期时间", "Expires"],
  status: ["状态", "Status"],
  active: ["生效中", "Active"],
  lifted: ["已解除", "Lifted"],
  expired: ["已到期", "Expired"],
  createdBy: ["列入人", "Listed by"],
  add: ["列入黑名单", "Add to blacklist"],
  added: ["已列入", "Listed"],
  appeals: ["申诉", "Appeals"],
  pending: ["待处理", "Pending"],
  upheld: ["维持", "Upheld"],
  lift: ["解除", "Lift"],
  uphold: ["维持", "Uphold"],
  note: ["处理意见", "Decision note"],
  decided: ["已处理", "Decided"],
  liftListing: ["提前解除", "Lift now"],
  days: ["天数", "Days"],
} as const;

export type AbuseWord = keyof typeof WORDS;
export const abuseWord = (k: AbuseWord, locale: Locale): string => WORDS[k][locale === "en" ? 1 : 0];
