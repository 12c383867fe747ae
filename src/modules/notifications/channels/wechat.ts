import type { ChannelAdapter } from "./channel.ts";
import { postSigned } from "./signed-http.ts";

/**
 * WeChat template messages through the official-account gateway at a configurable endpoint. The
 * gateway holds the access token and the template ids; we send the openid (or the phone when the
 * request came without one, for the gateway to look up), the title, the text and the kind of notice.
 */
export function wechatChannel(
  url: string,
  secret: string,
  trackingUrlOf: (ticketNo: string) => string,
): ChannelAdapter {
  return {
    channel: "wechat",
    provider: "wechat-http",
    send: (n) =>
      postSigned(url, secret, `notice-${n.id}`, {
        requestId: `notice-${n.id}`,
        touser: /^1\d{10}$/.test(n.recipient) ? null : n.recipient,
        phone: /^1\d{10}$/.test(n.recipient) ? n.recipient : null,
        template: n.kind,
        title: n.subject ?? n.ticketNo ?? "",
        content: n.body,
        url: n.ticketNo ? trackingUrlOf(n.ticketNo) : null,
      }),
  };
}
