import type { NoticeChannel } from "../templates.domain.ts";
import type { ChannelAdapter } from "./channel.ts";

export type NoticeLogger = (line: Record<string, unknown>, message: string) => void;

/**
 * For development and for channels not configured: the notice goes to the process log instead of a
 * provider, and counts as sent. Phones and addresses are logged masked.
 */
export function logChannel(channel: NoticeChannel, log: NoticeLogger): ChannelAdapter {
  return {
    channel,
    provider: "log",
    async send(n) {
      const to = n.recipient.length > 6 ? `${n.recipient.slice(0, 3)}***${n.recipient.slice(-3)}` : "***";
      log({ notice: n.id, ticketNo: n.ticketNo, channel, to, subject: n.subject }, n.body);
      return { reference: null };
    },
  };
}
