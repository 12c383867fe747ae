import type { AppContext } from "../../platform/context.ts";
import { AppError, conflict, text, validationError } from "../../platform/errors.ts";
import type { Principal } from "../users/roles.ts";
import {
  classifySuggestion,
  nextSuggestionStatus,
  type Rating,
  STEP_NEEDS,
  type SuggestionDepartment,
  type SuggestionStep,
} from "./suggestions.domain.ts";
import {
  findSuggestion,
  insertSuggestion,
  lockSuggestion,
  type SuggestionRow,
  updateSuggestion,
} from "./suggestions.store.ts";

/**
 * A suggestion's steps, each one transaction: filed by a merchant user for one of its merchants, then
 * assessed, forwarded and reported by the merchant-service staff.
 */
export const suggestionNotFound = () =>
  new AppError("NOT_FOUND", 404, text("建议不存在", "Suggestion not found"));

export async function fileSuggestion(
  ctx: AppContext,
  p: Principal,
  s: { topic: string; details: string; merchantId?: string },
): Promise<SuggestionRow> {
  const merchantId = s.merchantId ?? p.merchantIds[0];
  if (!merchantId || !p.merchantIds.includes(merchantId))
    throw validationError([
      {
        field: "merchantId",
        code: "NOT_YOUR_MERCHANT",
        message: text("只能为自己的店铺提建议", "You can file suggestions for your own merchants only"),
      },
    ]);
  return insertSuggestion(ctx.db, {
    merchant_id: merchantId,
    proposer_id: p.kind === "user" ? p.id : null,
    proposer_name: p.name,
    topic: s.topic,
    details: s.details,
    category: classifySuggestion(s.topic, s.details),
    status: "submitted",
    created_at: ctx.clock.now(),
  });
}

/** A merchant reads its own merchants' suggestions only; another's looks absent. */
export async function ownSuggestion(ctx: AppContext, p: Principal, id: string): Promise<SuggestionRow> {
  const s = await findSuggestion(ctx.db, id);
  if (!s || !p.merchantIds.includes(s.merchant_id)) throw suggestionNotFound();
  return s;
}

export type StepInput =
  | { step: "assess"; feasibility: Rating; value: Rating; note: string }
  | { step: "forward"; department: SuggestionDepartment; note?: string }
  | { step: "report"; result: string; adopted: boolean };

export async function moveSuggestion(
  ctx: AppContext,
  p: Principal,
  id: string,
  input: StepInput,
): Promise<SuggestionRow> {
  return ctx.db.transaction().execute(async (trx) => {
    const s = await lockSuggestion(trx, id);
    if (!s) throw suggestionNotFound();
    const to = nextSuggestionStatus(s.status, input.step as SuggestionStep);
    if (!to) throw conflict("ILLEGAL_STEP", STEP_NEEDS[input.step]);
    const now = ctx.clock.now();
    if (input.step === "assess")
      return updateSuggestion(trx, id, {
        status: to,
        feasibility: input.feasibility,
        value: input.value,
        assessment: input.note,
        assessed_by: p.name,
        assessed_at: now,
      });
    if (input.step === "forward")
      return updateSuggestion(trx, id, {
        status: to,
        department: input.department,
        forwarded_by: p.name,
        forwarded_at: now,
        ...(input.note ? { assessment: `${s.assessment ?? ""}\n${input.note}`.trim() } : {}),
      });
    return updateSuggestion(trx, id, {
      status: to,
      result: input.result,
      adopted: input.adopted,
      reported_by: p.name,
      reported_at: now,
    });
  });
}
