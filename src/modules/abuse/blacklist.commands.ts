import type { Transaction } from "kysely";
import type { Database } from "../../db/schema.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError, conflict, notFound, text, validationError } from "../../platform/errors.ts";
import { randomId } from "../../platform/ids.ts";
import { normalisePhone } from "../intake/intake.domain.ts";
import { findTicket } from "../tickets/tickets.store.ts";
import type { Principal } from "../users/roles.ts";
import {
  type AppealRow,
  type AuditActor,
  addAudit,
  type Evidence,
  endListing,
  findListing,
  insertAppeal,
  insertListing,
  type ListingRow,
  listListings,
  lockAppeal,
  lockListing,
  updateAppeal,
} from "./abuse.store.ts";
import { type AppealDecision, checkExpiry, decideAppeal, isInForce } from "./blacklist.domain.ts";

/**
 * Listing, lifting and appeals. Every change and its audit event commit together; the audit says who, when
 * and why, and is what a regulator or a court is shown.
 */

const PHONE = /^1[3-9]\d{9}$/;
export const listingNotFound = () => notFound(text("黑名单记录", "Blacklist entry"));
const actorOf = (p: Principal): AuditActor => ({ name: p.name, role: p.role });
const newId = (prefix: string) => `${prefix}${randomId(9)}`;

function phoneProblem(phone: string) {
  return PHONE.test(phone)
    ? null
    : {
        field: "phone",
        code: "INVALID_PHONE",
        message: text("手机号格式不正确", "not a mainland mobile number"),
      };
}

export async function addListing(
  ctx: AppContext,
  p: Principal,
  input: { phone: string; reason: string; expiresAt: string; evidence?: Partial<Evidence> },
): Promise<ListingRow> {
  const now = ctx.clock.now();
  const phone = normalisePhone(input.phone);
  const expiresAt = new Date(input.expiresAt);
  const expiry = Number.isNaN(expiresAt.getTime()) ? "INVALID_TIME" : checkExpiry(expiresAt, now);
  const problems = [
    phoneProblem(phone),
    input.reason.trim().length < 4
      ? {
          field: "reason",
          code: "TOO_SHORT",
          message: text("请写明列入理由", "say why the customer is listed"),
        }
      : null,
    expiry
      ? {
          field: "expiresAt",
          code: expiry,
          message: text("到期时间须在未来一年以内", "the expiry must be in the future, within a year"),
        }
      : null,
  ].filter((x) => x !== null);
  if (problems.length) throw validationError(problems);
  const evidence: Evidence = {
    ticketNos: [...new Set(input.evidence?.ticketNos ?? [])],
    attachmentIds: [...new Set(input.evidence?.attachmentIds ?? [])],
  };
  const id = newId("BL");
  return ctx.db.transaction().execute(async (trx) => {
    const listed = await insertListing(
      trx,
      { id, phone, reason: input.reason.trim(), evidence, expiresAt, by: p.name },
      now,
    );
    if (!listed)
      throw conflict(
        "ALREADY_LISTED",
        text("该手机号已在黑名单中", "This phone is already on the blacklist"),
      );
    await addAudit(
      trx,
      id,
      actorOf(p),
      "listed",
      { reason: input.reason.trim(), expiresAt: expiresAt.toISOString(), evidence },
      now,
    );
    return (await findListing(trx, id))!;
  });
}

async function withActiveListing<T>(
  ctx: AppContext,
  id: string,
  fn: (listing: ListingRow, trx: Transaction<Database>, now: Date) => Promise<T>,
): Promise<T> {
  return ctx.db.transaction().execute(async (trx) => {
    const listing = await lockListing(trx, id);
    if (!listing) throw listingNotFound();
    if (listing.status !== "active")
      throw conflict("LISTING_ENDED", text("该黑名单记录已结束", "This blacklist entry has already ended"));
    return fn(listing, trx, ctx.clock.now());
  });
}

export async function liftListing(ctx: AppContext, p: Principal, id: string, reason: string) {
  await withActiveListing(ctx, id, async (listing, trx, now) => {
    await endListing(trx, listing.id, { status: "lifted", by: p.name, reason }, now);
    await addAudit(trx, listing.id, actorOf(p), "lifted", { reason }, now);
  });
}

/**
 * An appeal, by the customer (ticket number and phone, as on the progress page) or by an agent on their
 * behalf. A wrong pair answers 404 like an unknown ticket, so the route tells nobody who is listed.
 */
export async function fileAppeal(
  ctx: AppContext,
  by: AuditActor,
  input: { ticketNo?: string; phone: string; statement: string; listingId?: string },
): Promise<AppealRow> {
  const phone = normalisePhone(input.phone);
  const statement = input.statement.trim();
  if (statement.length < 4)
    throw validationError([
      {
        field: "statement",
        code: "TOO_SHORT",
        message: text("请写明申诉理由", "say why the listing is wrong"),
      },
    ]);
  const noListing = () =>
    new AppError("NOT_FOUND", 404, text("未找到可申诉的记录", "Nothing to appeal was found"));
  if (input.ticketNo) {
    const ticket = await findTicket(ctx.db, input.ticketNo);
    if (!ticket || ticket.customer_phone !== phone) throw noListing();
  }
  return ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    const listing = input.listingId
      ? await lockListing(trx, input.listingId)
      : await activeListingRowOf(trx, phone);
    if (
      !listing ||
      listing.phone !== phone ||
      !isInForce(
        { id: listing.id, reason: listing.reason, expiresAt: listing.expires_at, status: listing.status },
        now,
      )
    )
      throw noListing();
    const appeal: AppealRow = {
      id: newId("AP"),
      blacklist_id: listing.id,
      ticket_no: input.ticketNo ?? null,
      statement,
      status: "pending",
      submitted_by: by.name,
      submitted_at: now,
      decided_by: null,
      decided_at: null,
      decision_note: null,
    };
    await insertAppeal(trx, appeal);
    await addAudit(
      trx,
      listing.id,
      by,
      "appealed",
      { appealId: appeal.id, ticketNo: appeal.ticket_no, statement },
      now,
    );
    return appeal;
  });
}

async function activeListingRowOf(trx: Transaction<Database>, phone: string) {
  const [row] = await listListings(trx, { status: "active", phone, limit: 1 });
  return row ? lockListing(trx, row.id) : undefined;
}

export async function decideOnAppeal(
  ctx: AppContext,
  p: Principal,
  appealId: string,
  input: { decision: AppealDecision; note: string },
): Promise<AppealRow> {
  return ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    const appeal = await lockAppeal(trx, appealId);
    if (!appeal) throw notFound(text("申诉", "Appeal"));
    const decided = decideAppeal(appeal.status, input.decision);
    if (!decided.ok)
      throw conflict("APPEAL_DECIDED", text("该申诉已处理", "This appeal has already been decided"));
    const patch = {
      status: decided.appealStatus,
      decided_by: p.name,
      decided_at: now,
      decision_note: input.note,
    } as const;
    await updateAppeal(trx, appeal.id, patch);
    if (decided.liftListing)
      await endListing(
        trx,
        appeal.blacklist_id,
        { status: "lifted", by: p.name, reason: `appeal ${appeal.id}: ${input.note}` },
        now,
      );
    await addAudit(
      trx,
      appeal.blacklist_id,
      actorOf(p),
      decided.liftListing ? "appeal_granted" : "appeal_refused",
      { appealId: appeal.id, note: input.note },
      now,
    );
    return { ...appeal, ...patch };
  });
}
