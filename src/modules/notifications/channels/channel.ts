import type { NoticeChannel } from "../templates.domain.ts";

/** One notice on its way out, as every channel adapter receives it. */
export interface OutgoingNotice {
  id: string;
  /** Null for a message about no ticket (a customer's sign-in code). */
  ticketNo: string | null;
  kind: string;
  recipient: string;
  subject: string | null;
  body: string;
  /** E-mail only: the customer's message this answers, so their mail client threads it. */
  inReplyTo?: string | null;
  /** E-mail only: an automatic answer (RFC 3834), which other robots must not answer in turn. */
  autoReply?: boolean;
}

/**
 * One way of reaching a person. `send` resolves with the provider's reference once the provider has
 * taken the notice, and throws otherwise: a `PermanentFailure` when retrying cannot help (a refused
 * address), anything else to be tried again later.
 */
export interface ChannelAdapter {
  channel: NoticeChannel;
  /** Which provider took it, recorded on the notice: smtp, sms-http, wechat-http, log. */
  provider: string;
  send(notice: OutgoingNotice): Promise<{ reference: string | null }>;
}

export class PermanentFailure extends Error {}

/** Short enough for a list column, and never a secret: only the provider's own words. */
export const errorText = (error: unknown): string => String((error as Error)?.message ?? error).slice(0, 500);
