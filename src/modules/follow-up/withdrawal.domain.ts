import type { ErrorDetail } from "../../platform/errors.ts";
import { text } from "../../platform/errors.ts";

/**
 * A customer may take back their request (撤销申请) while nothing has been set in motion for it: the
 * ticket closes without a resolution, its clocks stop and no survey follows. Not when a remedy is decided
 * or awaiting approval, a department is acting on it or a mediation is open (those are undone by an agent,
 * who can tell the merchant and finance); not once resolved (the customer confirms instead); and never
 * for a food-safety complaint, which the platform must verify whatever the customer decides, since one
 * spoiled batch reaches other customers too.
 */
export const WITHDRAWABLE = [
  "new",
  "in_progress",
  "awaiting_customer",
  "awaiting_merchant",
  "needs_info",
  "reopened",
];
export const WITHDRAWAL_REASON_MAX = 200;

export interface WithdrawalFacts {
  status: string;
  severity: string;
  mergedInto: string | null;
  remedyUnderWay: boolean;
  executionUnderWay: boolean;
  mediationOpen: boolean;
}

const detail = (code: string, zh: string, en: string): ErrorDetail => ({
  field: "ticketNo",
  code,
  message: text(zh, en),
});

/** Every reason the request cannot be withdrawn now; none means it can. */
export function withdrawalBlockers(f: WithdrawalFacts): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  if (f.status === "resolved")
    out.push(
      detail(
        "ALREADY_RESOLVED",
        "服务单已处理完成，如问题已解决请点击“确认已解决”",
        "The request is already resolved; confirm it instead",
      ),
    );
  else if (f.mergedInto || !WITHDRAWABLE.includes(f.status))
    out.push(detail("NOT_OPEN", "服务单已结束，无需撤销", "The request is already finished"));
  if (f.severity === "serious")
    out.push(
      detail(
        "FOOD_SAFETY",
        "涉及食品安全的问题需由平台核实处理，无法撤销；如问题已解决，请联系客服说明",
        "Food-safety complaints are verified by the platform and cannot be withdrawn; tell customer service if it is settled",
      ),
    );
  if (f.remedyUnderWay || f.executionUnderWay)
    out.push(
      detail(
        "REMEDY_UNDER_WAY",
        "处理方案已确定或正在执行，无法自行撤销，请联系客服",
        "A remedy is decided or under way; ask customer service to stop it",
      ),
    );
  if (f.mediationOpen)
    out.push(
      detail(
        "MEDIATION_OPEN",
        "调解进行中，无法自行撤销，请联系客服",
        "A mediation is open; ask customer service",
      ),
    );
  return out;
}

/** Whether the progress page offers withdrawal: what the ticket row alone tells (status, food safety). */
export const offersWithdrawal = (t: {
  status: string;
  severity: string;
  merged_into: string | null;
}): boolean =>
  withdrawalBlockers({
    status: t.status,
    severity: t.severity,
    mergedInto: t.merged_into,
    remedyUnderWay: false,
    executionUnderWay: false,
    mediationOpen: false,
  }).length === 0;
