import type { Config } from "../../../config.ts";
import type { NoticeChannel } from "../templates.domain.ts";
import type { ChannelAdapter } from "./channel.ts";
import { emailChannel } from "./email.ts";
import { logChannel, type NoticeLogger } from "./log.ts";
import { smsChannel } from "./sms.ts";
import { wechatChannel } from "./wechat.ts";

export type Channels = Record<Exclude<NoticeChannel, "in_app">, ChannelAdapter>;

/** The adapter of each channel as configured; a channel without settings writes to the log. */
export function channelsFrom(config: Config, log: NoticeLogger): Channels {
  const n = config.notifications;
  return {
    email: n.smtp ? emailChannel(n.smtp) : logChannel("email", log),
    sms: n.sms ? smsChannel(n.sms.url, n.sms.secret) : logChannel("sms", log),
    wechat: n.wechat
      ? wechatChannel(n.wechat.url, n.wechat.secret, (t) => `${config.publicUrl}/h5/progress/${t}`)
      : logChannel("wechat", log),
  };
}
