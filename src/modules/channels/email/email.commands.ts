import { type ParsedMail, simpleParser } from "mailparser";
import type { AppContext } from "../../../platform/context.ts";
import { canonicalJson, sha256 } from "../../../platform/ids.ts";
import { storable } from "../../../platform/unstorable.ts";
import { linkAttachments } from "../../attachments/attachments.store.ts";
import { saveEvidence } from "../../attachments/evidence.ts";
import { registerRequest } from "../../intake/intake.commands.ts";
import { MAX_ATTACHMENTS } from "../../intake/intake.domain.ts";
import { type ChannelAdapter, errorText, PermanentFailure } from "../../notifications/channels/channel.ts";
import { findOrderForIntake } from "../../orders/orders.store.ts";
import { recordCustomerMessage } from "../../tickets/customer-message.ts";
import { type Actor, findTicket } from "../../tickets/tickets.store.ts";
import {
  acknowledgementReply,
  describe,
  findOrderNumbers,
  findPhones,
  isAutomated,
  localeOfMail,
  missingDetailsReply,
  ownWords,
  type RefusedFile,
  threadReferences,
  ticketNumbersIn,
} from "./email.domain.ts";
import {
  claimInboundMail,
  claimReply,
  failInboundMail,
  findEarlierMails,
  finishInboundMail,
  knownPhoneOf,
  type MailOutcome,
  recordReply,
  rememberPhone,
} from "./email.store.ts";

/**
 * Turning one stored mail into a ticket, a customer message on an existing ticket, or a request for the
 * missing details, and sending the automatic reply. Every step can run twice without doing twice:
 * the ticket is keyed by the Message-ID, the evidence by the mail and part number, the reply by its row.
 */

const LEASE_SECONDS = 120;
const MAX_ATTEMPTS = 5;
const REPLY_MAX_ATTEMPTS = 6;
const CUSTOMER: Actor = { id: null, name: "customer", role: "customer" };

export interface MailText {
  sender: string;
  subject: string;
  words: string;
  messageId: string;
  refs: string[];
  header: (name: string) => string | null;
}

function textOf(mail: ParsedMail, fallbackId: string): MailText {
  const sender = storable(
    mail.replyTo?.value[0]?.address ?? mail.from?.value[0]?.address ?? "",
  ).toLowerCase();
  // A mail cannot be refused like a request: text the database cannot keep is mended (see unstorable.ts).
  const plain = storable(
    mail.text ?? (typeof mail.html === "string" ? mail.html.replace(/<[^>]+>/g, " ") : ""),
  );
  const refs = [
    ...(mail.inReplyTo ? [mail.inReplyTo] : []),
    ...(Array.isArray(mail.references) ? mail.references : mail.references ? [mail.references] : []),
  ];
  return {
    sender,
    subject: storable(mail.subject ?? ""),
    words: ownWords(plain),
    messageId: storable(mail.messageId ?? fallbackId),
    refs: refs.map(storable),
    header: (name) => {
      const v = mail.headers.get(name);
      return typeof v === "string" ? v : v === undefined ? null : JSON.stringify(v);
    },
  };
}

/** Attachments as evidence, each checked like an upload; the refused ones are named in the reply. */
async function saveAttachments(ctx: AppContext, mail: ParsedMail, mailId: string) {
  const ids: string[] = [];
  const refused: RefusedFile[] = [];
  // Pictures referenced by the HTML (logos in signatures) are part of the layout, not evidence.
  const files = mail.attachments.filter((a) => !a.related);
  for (const [i, a] of files.entries()) {
    const name = a.filename ?? `attachment-${i + 1}`;
    if (ids.length >= MAX_ATTACHMENTS) {
      refused.push({ name, reason: "TOO_MANY" });
      continue;
    }
    const saved = await saveEvidence(ctx, a.content, a.filename ?? null, `mail${mailId}-${i}`);
    if (saved.ok) ids.push(saved.id);
    else refused.push({ name, reason: saved.refusal });
  }
  return { ids, refused };
}

/** The ticket a mail answers, if it names one and comes from that ticket's customer. */
async function threadTicket(ctx: AppContext, m: MailText) {
  const refs = threadReferences(m.refs);
  const earlier = await findEarlierMails(ctx.db, { mailIds: [], messageIds: m.refs });
  const candidates = [
    ...ticketNumbersIn(m.subject),
    ...refs.ticketNos,
    ...earlier.flatMap((e) => (e.ticket_no ? [e.ticket_no] : [])),
  ];
  for (const ticketNo of new Set(candidates)) {
    const ticket = await findTicket(ctx.db, ticketNo);
    if (!ticket) continue;
    // A service number is easy to guess: only the customer's own address or phone may add to the ticket.
    const contact = (ticket.details as Record<string, unknown> | null)?.contactEmail;
    if (contact === m.sender || findPhones(`${m.subject}\n${m.words}`).includes(ticket.customer_phone))
      return ticket;
  }
  return null;
}

async function addToTicket(
  ctx: AppContext,
  ticketNo: string,
  m: MailText,
  evidence: { ids: string[]; refused: RefusedFile[] },
) {
  // A reply to a ticket waiting for the customer puts it back to work (see recordCustomerMessage).
  await recordCustomerMessage(
    ctx,
    ticketNo,
    { ...CUSTOMER, name: m.sender },
    {
      type: "customer_message",
      visibility: "customer",
      channel: "email",
      data: {
        messageId: m.messageId,
        subject: m.subject,
        // Cut by characters: cutting an emoji in half would leave text the database cannot store.
        body: [...m.words].slice(0, 4000).join(""),
        refusedAttachments: evidence.refused,
      },
    },
    async (trx) => ({ attachments: await linkAttachments(trx, evidence.ids, ticketNo) }),
  );
}

/** What a new mail (and the mail it completes, if it answers our request for details) says. */
async function requestOf(ctx: AppContext, m: MailText, mailId: string) {
  const asked = threadReferences(m.refs).askedMailIds;
  const earlier = (await findEarlierMails(ctx.db, { mailIds: asked, messageIds: [] })).filter(
    (e) => e.outcome === "needs_info" && e.sender === m.sender && e.id !== mailId,
  );
  const earlierTexts = await Promise.all(
    earlier.map(async (e) => {
      const t = textOf(await simpleParser(Buffer.from(e.raw)), e.message_id);
      return describe(t.subject, t.words);
    }),
  );
  const description = describe(m.subject, [...earlierTexts, m.words].filter(Boolean).join("\n"));
  const text = `${m.subject}\n${m.words}\n${earlierTexts.join("\n")}`;
  const phones = findPhones(text);
  const orders = [];
  for (const orderNo of findOrderNumbers(text).slice(0, 3)) {
    const order = await findOrderForIntake(ctx.db, orderNo);
    if (order) orders.push(order);
  }
  // The order that belongs to a phone the mail gives; else the first known one; else the first named.
  const order = orders.find((o) => phones.includes(o.customerPhone)) ?? orders[0];
  const orderNo = order?.orderNo ?? findOrderNumbers(text)[0];
  const phone =
    (order && phones.includes(order.customerPhone) ? order.customerPhone : phones[0]) ??
    (await knownPhoneOf(ctx.db, m.sender));
  return { channel: "email", phone: phone ?? "", orderNo: orderNo ?? "", description, email: m.sender };
}

async function decide(ctx: AppContext, mailId: string, raw: Buffer, messageId: string): Promise<MailOutcome> {
  const mail = await simpleParser(raw);
  const m = textOf(mail, messageId);
  const quiet = { ticketNo: null, missingFields: null, reply: null };
  if (!m.sender || isAutomated(m.sender, m.header))
    return { outcome: "ignored", sender: m.sender || null, ...quiet };
  const locale = localeOfMail(`${m.subject}${m.words}`);
  const evidence = await saveAttachments(ctx, mail, mailId);

  const ticket = await threadTicket(ctx, m);
  if (ticket) {
    await addToTicket(ctx, ticket.ticket_no, m, evidence);
    return {
      outcome: "thread",
      sender: m.sender,
      ticketNo: ticket.ticket_no,
      missingFields: null,
      reply: null,
    };
  }

  const body = { ...(await requestOf(ctx, m, mailId)), attachmentIds: evidence.ids };
  // Keyed by the Message-ID: processing the mail again after a crash answers the same ticket.
  const idempotency = { key: `email:${messageId}`, requestHash: sha256(canonicalJson(body)) };
  // The mail is answered here, threaded and with the service hours: the notices need not send a receipt too.
  const registered = await registerRequest(ctx, body, CUSTOMER, idempotency, locale, {
    autoReplied: "email",
    messageId,
  });
  const inReplyTo = m.messageId;
  if (!registered.ok) {
    const reply = missingDetailsReply(m.subject, registered.details, evidence.refused, locale);
    return {
      outcome: "needs_info",
      sender: m.sender,
      ticketNo: null,
      missingFields: [...new Set(registered.details.map((d) => d.field))],
      reply: { to: m.sender, ...reply, inReplyTo, ticketNo: null },
    };
  }
  await rememberPhone(ctx.db, m.sender, body.phone, ctx.clock.now());
  const reply = acknowledgementReply(
    registered.ticketNo,
    registered.ack.acknowledgement.text,
    evidence.refused,
    locale,
  );
  return {
    outcome: "ticket",
    sender: m.sender,
    ticketNo: registered.ticketNo,
    missingFields: null,
    reply: { to: m.sender, ...reply, inReplyTo, ticketNo: registered.ticketNo },
  };
}

/** Processes one stored mail, if no other process holds it. Returns false when there was nothing to do. */
export async function processInboundMail(ctx: AppContext, id: string): Promise<boolean> {
  const now = ctx.clock.now();
  const row = await claimInboundMail(ctx.db, id, now, LEASE_SECONDS);
  if (!row) return false;
  try {
    // PGlite hands bytea back as a Uint8Array, pg as a Buffer.
    const outcome = await decide(ctx, String(row.id), Buffer.from(row.raw), row.message_id);
    await finishInboundMail(ctx.db, String(row.id), outcome, ctx.clock.now());
  } catch (error) {
    const retryAt = new Date(now.getTime() + 30_000 * 2 ** Math.min(row.attempts - 1, 6));
    await failInboundMail(ctx.db, String(row.id), errorText(error), retryAt, row.attempts >= MAX_ATTEMPTS);
    throw error;
  }
  return true;
}

/** Sends one due automatic reply through the notifications' e-mail channel; retried with back-off. */
export async function sendReply(ctx: AppContext, mailer: ChannelAdapter, id: string): Promise<void> {
  const now = ctx.clock.now();
  const row = await claimReply(ctx.db, id, now, LEASE_SECONDS);
  const reply = row?.reply as MailOutcome["reply"];
  if (!row || !reply) return;
  try {
    const sent = await mailer.send({
      id: `mail-${row.id}`,
      ticketNo: reply.ticketNo ?? "",
      kind: reply.ticketNo ? "received" : "needs_info",
      recipient: reply.to,
      subject: reply.subject,
      body: reply.body,
      inReplyTo: reply.inReplyTo,
      autoReply: true,
    });
    await recordReply(ctx.db, String(row.id), { sent: true, reference: sent.reference });
  } catch (error) {
    const attempts = row.reply_attempts + 1;
    const final = error instanceof PermanentFailure || attempts >= REPLY_MAX_ATTEMPTS;
    const retryAt = final ? null : new Date(now.getTime() + 30_000 * 2 ** (attempts - 1));
    await recordReply(ctx.db, String(row.id), { sent: false, retryAt, error: errorText(error) });
  }
}
