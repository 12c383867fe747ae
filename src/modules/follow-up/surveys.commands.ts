import type { Transaction } from "kysely";
import type { Database } from "../../db/schema.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError, conflict, type Locale, text } from "../../platform/errors.ts";
import { randomId } from "../../platform/ids.ts";
import type { BusinessCalendar } from "../sla/calendar.domain.ts";
import { appendEvent, findTicket, type TicketRow } from "../tickets/tickets.store.ts";
import {
  CUSTOMER,
  closeResolved,
  packOf,
  reopenForSecondRound,
  SYSTEM,
  withLockedTicket,
} from "./follow-up.commands.ts";
import { followUpSettings, needsSecondRound, surveyProblem } from "./follow-up.domain.ts";
import {
  findSurvey,
  insertSurvey,
  lockSurvey,
  resultFeedbackOf,
  type SurveyRow,
  saveAnswer,
} from "./follow-up.store.ts";
import { readSurveyToken, signSurveyToken } from "./survey-token.domain.ts";

/**
 * The satisfaction survey (满意度): one per ticket, sent by a signed link that expires, answered once.
 * A low score or "not resolved" starts a second round; a good answer that says "resolved" confirms it.
 */
export const surveyPath = (token: string) => `/h5/survey/${token}`;

/** Due after a resolution (called by the follow-up job under the ticket's lock): the survey and its link. */
export async function inviteToSurvey(
  trx: Transaction<Database>,
  ctx: AppContext,
  t: TicketRow,
  now: Date,
): Promise<boolean> {
  const pack = packOf(ctx, t);
  if (!pack) return false;
  const id = randomId(12);
  // Whole seconds: the token carries the expiry in seconds and must agree with the row.
  const validMs = followUpSettings(pack).surveyValidDays * 86_400_000;
  const expiresAt = new Date(Math.floor((now.getTime() + validMs) / 1000) * 1000);
  const created = await insertSurvey(trx, {
    id,
    ticketNo: t.ticket_no,
    businessLine: t.business_line,
    createdAt: now,
    expiresAt,
  });
  if (!created) return false;
  const token = signSurveyToken(id, expiresAt, ctx.config.authSecret);
  await appendEvent(
    trx,
    t.ticket_no,
    SYSTEM,
    {
      type: "survey_invited",
      visibility: "customer",
      data: { surveyUrl: `${ctx.config.publicUrl}${surveyPath(token)}`, expiresAt: expiresAt.toISOString() },
    },
    now,
  );
  return true;
}

const badToken = () => new AppError("NOT_FOUND", 404, text("评价链接无效", "This survey link is not valid"));

const problemError = (problem: "ANSWERED" | "EXPIRED") =>
  problem === "ANSWERED"
    ? conflict(
        "SURVEY_ANSWERED",
        text("您已评价过本次服务，感谢您的反馈", "This survey was already answered"),
      )
    : new AppError("SURVEY_EXPIRED", 410, text("评价链接已过期", "This survey link has expired"));

/** The survey a token names, or 404 for anything forged, mangled or unknown. */
async function surveyOfToken(ctx: AppContext, token: string): Promise<SurveyRow> {
  const read = readSurveyToken(token, ctx.config.authSecret);
  if (!read) throw badToken();
  const survey = await findSurvey(ctx.db, read.surveyId);
  if (!survey) throw badToken();
  return survey;
}

export interface SurveyView {
  ticketNo: string;
  businessLine: string;
  done: string[];
  expiresAt: string;
  answeredAt: string | null;
}

/** What the survey page shows: the ticket and what was done for it. An expired survey answers 410. */
export async function readSurvey(ctx: AppContext, token: string, locale: Locale): Promise<SurveyView> {
  const s = await surveyOfToken(ctx, token);
  const problem = surveyProblem({ answeredAt: s.answered_at, expiresAt: s.expires_at }, ctx.clock.now());
  if (problem === "EXPIRED") throw problemError(problem);
  const feedback = await resultFeedbackOf(ctx.db, s.ticket_no);
  const done = feedback.map((e) => String((locale === "en" ? e.data.textEn : e.data.text) ?? e.data.text));
  if (!done.length) {
    const t = await findTicket(ctx.db, s.ticket_no);
    const category = t && packOf(ctx, t)?.categories.find((c) => c.code === t.category);
    if (category)
      done.push(
        locale === "en"
          ? `Your request about ${category.labels.en} was resolved.`
          : `您关于“${category.labels["zh-CN"]}”的售后申请已处理完成。`,
      );
  }
  return {
    ticketNo: s.ticket_no,
    businessLine: s.business_line,
    done,
    expiresAt: s.expires_at.toISOString(),
    answeredAt: s.answered_at?.toISOString() ?? null,
  };
}

export interface SurveyAnswer {
  score: number;
  resolved: boolean;
  text?: string;
  dimensions: { efficiency: number; resolution: number; attitude: number };
}

/**
 * The one answer of a ticket's survey, with what it causes, in the ticket's transaction: a second round
 * (reopened to the supervisors with the customer's words), or the ticket closed when the customer says
 * it is resolved and is content.
 */
export async function answerSurvey(
  ctx: AppContext,
  token: string,
  answer: SurveyAnswer,
): Promise<{ ticketNo: string; secondRound: boolean; ticketStatus: string }> {
  const found = await surveyOfToken(ctx, token);
  return withLockedTicket(ctx, found.ticket_no, async (t, trx, now, calendar) => {
    const s = (await lockSurvey(trx, found.id))!;
    const problem = surveyProblem({ answeredAt: s.answered_at, expiresAt: s.expires_at }, now);
    if (problem) throw problemError(problem);
    const pack = packOf(ctx, t);
    const lowScore = pack ? followUpSettings(pack).lowScore : 3;
    const secondRound = needsSecondRound(answer, lowScore);
    const comment = answer.text?.trim() || null;
    await saveAnswer(trx, s.id, { ...answer.dimensions, ...answer, comment, secondRound }, now);
    await appendEvent(
      trx,
      t.ticket_no,
      CUSTOMER,
      {
        type: "survey_answered",
        visibility: "customer",
        data: {
          surveyId: s.id,
          score: answer.score,
          resolved: answer.resolved,
          dimensions: answer.dimensions,
          ...(comment ? { text: comment } : {}),
        },
      },
      now,
    );
    const status = await consequence(trx, ctx, calendar, t, answer, comment, secondRound, now);
    return { ticketNo: t.ticket_no, secondRound, ticketStatus: status };
  });
}

async function consequence(
  trx: Transaction<Database>,
  ctx: AppContext,
  calendar: BusinessCalendar,
  t: TicketRow,
  answer: SurveyAnswer,
  comment: string | null,
  secondRound: boolean,
  now: Date,
): Promise<string> {
  if (secondRound) {
    const reopened = await reopenForSecondRound(
      trx,
      ctx,
      calendar,
      t,
      {
        source: "survey",
        words: comment,
        data: { score: answer.score, resolved: answer.resolved, dimensions: answer.dimensions },
      },
      CUSTOMER,
      now,
    );
    return reopened ? "reopened" : t.status;
  }
  if (t.status !== "resolved") return t.status;
  await closeResolved(trx, ctx, calendar, t, "survey", CUSTOMER, now);
  return "closed";
}
