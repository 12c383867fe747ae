import nodemailer from "nodemailer";
import type { NotificationConfig } from "../../../config.ts";
import type { ChannelAdapter } from "./channel.ts";
import { PermanentFailure } from "./channel.ts";

export type SmtpSettings = NonNullable<NotificationConfig["smtp"]>;

/** E-mail over SMTP (nodemailer). The subject carries the ticket number, so replies find their ticket. */
export function emailChannel(smtp: SmtpSettings): ChannelAdapter & { close(): void } {
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    auth: smtp.user ? { user: smtp.user, pass: smtp.password ?? "" } : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  const domain = smtp.from.match(/@([^>\s]+)/)?.[1] ?? "aftersale.local";
  return {
    channel: "email",
    provider: "smtp",
    async send(n) {
      // A reply asking for missing details has no ticket yet: no number to put in the subject or the id.
      const subject =
        !n.ticketNo || n.subject?.includes(n.ticketNo)
          ? (n.subject ?? "")
          : `[${n.ticketNo}] ${n.subject ?? ""}`.trim();
      try {
        const info = await transport.sendMail({
          from: smtp.from,
          to: n.recipient,
          subject,
          text: n.body,
          // The same notice retried keeps its Message-ID, so a mail client shows it once.
          messageId: n.ticketNo ? `<notice-${n.id}.${n.ticketNo}@${domain}>` : `<notice-${n.id}@${domain}>`,
          ...(n.inReplyTo ? { inReplyTo: n.inReplyTo, references: n.inReplyTo } : {}),
          headers: {
            ...(n.ticketNo ? { "X-Aftersale-Ticket": n.ticketNo } : {}),
            ...(n.autoReply ? { "Auto-Submitted": "auto-replied" } : {}),
          },
        });
        return { reference: info.messageId ?? null };
      } catch (error) {
        // 5xx from the server: the address or the message is refused for good.
        const code = (error as { responseCode?: number }).responseCode;
        if (code && code >= 500) throw new PermanentFailure((error as Error).message);
        throw error;
      }
    },
    close: () => transport.close(),
  };
}
