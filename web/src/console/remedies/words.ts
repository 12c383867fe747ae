import { useCallback } from "react";
import { useLocale } from "../../i18n/locale.tsx";

/**
 * The words of the remedy, approval, execution and ledger screens, Chinese and English side by side.
 * Kept beside the screens that use them (not in the shared dictionaries) so these pages can grow
 * without touching the files every page shares.
 */
const WORDS = {
  menuApprovals: ["方案审批", "Approvals"],
  menuExecution: ["执行单", "Execution orders"],
  proposal: ["处理方案", "Remedy"],
  proposalOfPack: ["策略包建议方案", "What the policy pack proposes"],
  reasons: ["依据", "Reasons"],
  alternatives: ["可选方案", "Alternatives"],
  statutory: ["法定选项", "Statutory options"],
  legalBasis: ["法律依据", "Legal basis"],
  useThis: ["以此调整", "Adjust from this"],
  accept: ["采纳建议方案", "Accept the proposal"],
  adjust: ["调整方案", "Adjust"],
  submitDecision: ["提交方案", "Submit"],
  cancel: ["取消", "Cancel"],
  note: ["备注", "Note"],
  needsApproval: ["需主管审批", "Needs supervisor approval"],
  withinLimits: ["在权限内，提交即生效", "Within your limits: approved on submit"],
  limits: [
    "审批线：金额 {amount}，赔偿倍数 {multiple} 倍",
    "Approval limits: {amount} in total, compensation {multiple}× the price",
  ],
  refundable: ["可退金额 {amount}，赔偿上限 {cap}", "Refundable {amount}; compensation cap {cap}"],
  total: ["合计 {amount}", "Total {amount}"],
  amountYuan: ["金额（元）", "Amount (yuan)"],
  badAmount: ["请输入金额，最多两位小数", "Enter an amount with at most two decimals"],
  decided: ["方案已提交", "Remedy submitted"],
  remedyStatus: ["当前方案", "Current remedy"],
  pending_approval: ["待审批", "Waiting for approval"],
  approved: ["已批准", "Approved"],
  rejected: ["已驳回", "Rejected"],
  superseded: ["已被替代", "Superseded"],
  approvalsTitle: ["待审批的处理方案", "Remedies waiting for approval"],
  approvalsEmpty: ["暂无待审批的方案", "Nothing waits for approval"],
  approve: ["批准", "Approve"],
  reject: ["驳回", "Reject"],
  rejectReason: ["驳回原因", "Why it is rejected"],
  reasonRequired: ["请填写原因", "A reason is required"],
  approvedMsg: ["已批准", "Approved"],
  rejectedMsg: ["已驳回", "Rejected"],
  ticket: ["服务单", "Ticket"],
  items: ["方案内容", "Items"],
  decidedBy: ["提交人", "Decided by"],
  whyApproval: ["审批原因", "Why approval is needed"],
  ledger: ["资金流水", "Ledger"],
  orderLedger: ["订单资金流水 {orderNo}", "Money of order {orderNo}"],
  openOrderLedger: ["订单流水", "Order ledger"],
  kind: ["类型", "Kind"],
  party: ["对象", "Party"],
  amount: ["金额", "Amount"],
  status: ["状态", "Status"],
  attempts: ["尝试次数", "Attempts"],
  reference: ["支付流水号", "Provider reference"],
  lastError: ["最近错误", "Last error"],
  refunded: ["已退款", "Refunded"],
  compensated: ["已赔偿", "Compensated"],
  coupons: ["优惠券", "Coupons"],
  inFlight: ["处理中", "In flight"],
  charged: ["向责任方追偿", "Charged to the liable party"],
  paidFen: ["实付", "Paid"],
  refundableFen: ["可退", "Refundable"],
  noEntries: ["暂无资金流水", "No money has moved yet"],
  retry: ["重试付款", "Retry payment"],
  boardTitle: ["执行单看板", "Execution orders"],
  department: ["部门", "Department"],
  allDepartments: ["全部部门", "All departments"],
  open: ["待处理", "Open"],
  in_progress: ["处理中", "In progress"],
  done: ["已完成", "Done"],
  failed: ["失败", "Failed"],
  start: ["开始处理", "Start"],
  complete: ["完成", "Done"],
  fail: ["标记失败", "Failed"],
  failReason: ["失败原因", "Why it failed"],
  doneNote: ["完成说明（如运单号）", "Note (e.g. the waybill number)"],
  due: ["时限", "Due"],
  waiting: ["等待前置步骤", "Waits for an earlier step"],
  followsPayment: ["随付款自动完成", "Follows its payment"],
  overdue: ["已超时", "Overdue"],
  owner: ["处理人", "Owner"],
  emptyColumn: ["无", "None"],
  merchant: ["商家", "Merchant"],
  logistics: ["骑手/物流", "Rider / logistics"],
  warehouse: ["仓库", "Warehouse"],
  finance: ["财务", "Finance"],
  held: ["待前置步骤", "Held"],
  pending: ["待支付", "Pending"],
  processing: ["支付中", "Processing"],
  succeeded: ["已支付", "Paid"],
  cancelled: ["已取消", "Cancelled"],
  recorded: ["已记账", "Recorded"],
  charge: ["追偿", "Charge"],
} as const satisfies Record<string, readonly [string, string]>;

export type WordKey = keyof typeof WORDS;
export type Words = (key: WordKey, vars?: Record<string, string | number>) => string;

export function useWords(): Words {
  const { locale } = useLocale();
  return useCallback<Words>(
    (key, vars) =>
      Object.entries(vars ?? {}).reduce(
        (text, [name, value]) => text.replaceAll(`{${name}}`, String(value)),
        WORDS[key][locale === "en" ? 1 : 0] as string,
      ),
    [locale],
  );
}

/** A word for a code the API sends (a status, a department), or the code itself when there is none. */
export const wordOf = (w: Words, code: string): string => (code in WORDS ? w(code as WordKey) : code);

/**
 * Yuan typed by a person ("12.5", "12.50") as integer fen, without a float in between; null when it is
 * not an amount.
 */
export function yuanToFen(text: string): number | null {
  const m = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
}

/** Integer fen as the yuan a person would type back: 2800 → "28.00". */
export const fenToYuanText = (fen: number): string =>
  `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, "0")}`;
