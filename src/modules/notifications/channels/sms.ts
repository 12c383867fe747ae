import type { ChannelAdapter } from "./channel.ts";
import { postSigned } from "./signed-http.ts";

/** SMS through a generic HTTP gateway: `{requestId, phone, text}` signed with the shared secret. */
export function smsChannel(url: string, secret: string): ChannelAdapter {
  return {
    channel: "sms",
    provider: "sms-http",
    send: (n) =>
      postSigned(url, secret, `notice-${n.id}`, {
        requestId: `notice-${n.id}`,
        phone: n.recipient,
        text: n.body,
        ticketNo: n.ticketNo,
      }),
  };
}
