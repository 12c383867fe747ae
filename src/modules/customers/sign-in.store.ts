import { createHmac, timingSafeEqual } from "node:crypto";
import type { Transaction } from "kysely";
import type { Db } from "../../db/database.ts";
import type { Database } from "../../db/schema.ts";
import { newSecret, sha256 } from "../../platform/ids.ts";
import { CODE_MINUTES, type CodeState, SESSION_MINUTES } from "./sign-in.domain.ts";

type Trx = Transaction<Database>;

/** The code's keyed hash: the table alone does not give the codes away, though six digits are few. */
export const codeHash = (secret: string, phone: string, code: string): string =>
  createHmac("sha256", secret).update(`customer-code:${phone}:${code}`).digest("hex");

export const sameHash = (a: string | null | undefined, b: string): boolean =>
  !!a && a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * Runs `fn` with the phone's code row locked, so two requests for one phone (two taps, two tabs) see
 * each other's counts and attempts. The row is created on first use, for any valid phone alike.
 */
export async function withCodeRow<R>(
  db: Db,
  phone: string,
  now: Date,
  fn: (trx: Trx, state: CodeState) => Promise<R>,
): Promise<R> {
  return db.transaction().execute(async (trx) => {
    await trx
      .insertInto("customer_codes")
      .values({ phone, window_started_at: now })
      .onConflict((oc) => oc.column("phone").doNothing())
      .execute();
    const r = await trx
      .selectFrom("customer_codes")
      .selectAll()
      .where("phone", "=", phone)
      .forUpdate()
      .executeTakeFirstOrThrow();
    return fn(trx, {
      codeHash: r.code_hash,
      sentAt: r.sent_at,
      expiresAt: r.expires_at,
      attempts: r.attempts,
      windowStartedAt: r.window_started_at,
      sentInWindow: r.sent_in_window,
    });
  });
}

export async function storeCode(
  trx: Trx,
  phone: string,
  hash: string,
  now: Date,
  counts: { windowStartedAt: Date; sentInWindow: number },
): Promise<void> {
  await trx
    .updateTable("customer_codes")
    .set({
      code_hash: hash,
      sent_at: now,
      expires_at: new Date(now.getTime() + CODE_MINUTES * 60_000),
      attempts: 0,
      window_started_at: counts.windowStartedAt,
      sent_in_window: counts.sentInWindow,
    })
    .where("phone", "=", phone)
    .execute();
}

/** The SMS provider refused the code: it is void, and the customer may ask again at once. */
export async function voidCode(db: Db, phone: string, sentAt: Date): Promise<void> {
  await db
    .updateTable("customer_codes")
    .set({ code_hash: null, sent_at: null, expires_at: null })
    .where("phone", "=", phone)
    .where("sent_at", "=", sentAt)
    .execute();
}

export async function recordAttempts(trx: Trx, phone: string, attempts: number): Promise<void> {
  await trx.updateTable("customer_codes").set({ attempts }).where("phone", "=", phone).execute();
}

/** A code signs in once. */
export async function spendCode(trx: Trx, phone: string): Promise<void> {
  await trx
    .updateTable("customer_codes")
    .set({ code_hash: null, expires_at: null })
    .where("phone", "=", phone)
    .execute();
}

export async function createCustomerSession(
  trx: Trx,
  phone: string,
  now: Date,
): Promise<{ token: string; expiresAt: Date }> {
  // Its own prefix: the staff auth hook passes these by without a lookup, and no staff route accepts one.
  const { token, hash } = newSecret("cs");
  const expiresAt = new Date(now.getTime() + SESSION_MINUTES * 60_000);
  await trx
    .insertInto("customer_sessions")
    .values({ token_hash: hash, phone, created_at: now, expires_at: expiresAt })
    .execute();
  return { token, expiresAt };
}

export async function phoneOfSession(db: Db, token: string, now: Date): Promise<string | null> {
  const r = await db
    .selectFrom("customer_sessions")
    .select("phone")
    .where("token_hash", "=", sha256(token))
    .where("expires_at", ">", now)
    .executeTakeFirst();
  return r?.phone ?? null;
}

export async function endCustomerSession(db: Db, token: string): Promise<void> {
  await db.deleteFrom("customer_sessions").where("token_hash", "=", sha256(token)).execute();
}

/** Housekeeping: sessions past their time, and code rows no longer holding a code or a day's count. */
export async function deleteExpiredSignIns(db: Db, now: Date): Promise<number> {
  const sessions = await db.deleteFrom("customer_sessions").where("expires_at", "<", now).executeTakeFirst();
  const codes = await db
    .deleteFrom("customer_codes")
    .where("window_started_at", "<", new Date(now.getTime() - 86_400_000))
    .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", "<", now)]))
    .executeTakeFirst();
  return Number(sessions.numDeletedRows) + Number(codes.numDeletedRows);
}

/** On erasure: nothing about the phone's sign-ins is kept. */
export async function forgetSignIns(trx: Trx, phone: string): Promise<void> {
  await trx.deleteFrom("customer_sessions").where("phone", "=", phone).execute();
  await trx.deleteFrom("customer_codes").where("phone", "=", phone).execute();
}
