import type { AddressInfo } from "node:net";
import type { FastifyBaseLogger } from "fastify";
import { SMTPServer } from "smtp-server";
import type { ChannelsConfig } from "../../../config.ts";
import type { AppContext } from "../../../platform/context.ts";
import { sha256 } from "../../../platform/ids.ts";
import type { Poller } from "../../../platform/jobs.ts";
import { serialPoller } from "../../../platform/jobs.ts";
import { storable } from "../../../platform/unstorable.ts";
import { channelsFrom } from "../../notifications/channels/index.ts";
import { processInboundMail, sendReply } from "./email.commands.ts";
import { rawHeader } from "./email.domain.ts";
import { dueInboundMail, dueReplies, insertInboundMail } from "./email.store.ts";

/**
 * The SMTP listener for customers' mail, in the API's process. A message is stored raw before the
 * server answers 250, so from the sender's "sent" on nothing is lost; parsing and intake run right after,
 * and the pollers below pick up whatever a crash or a failure left behind.
 */

export interface InboundMail {
  port: number;
  close(): Promise<void>;
}

const mailerOf = (ctx: AppContext, log: FastifyBaseLogger) =>
  channelsFrom(ctx.config, (line, message) => log.info(line, message)).email;

export async function startInboundMail(
  ctx: AppContext,
  settings: NonNullable<ChannelsConfig["inboundMail"]>,
  log: FastifyBaseLogger,
): Promise<InboundMail> {
  const mailer = mailerOf(ctx, log);
  const inFlight = new Set<Promise<void>>();
  const handle = (id: string) => {
    const run = (async () => {
      if (await processInboundMail(ctx, id)) await sendReply(ctx, mailer, id);
    })().catch((error) => log.error({ err: error, mail: id }, "inbound mail failed; retried later"));
    inFlight.add(run);
    void run.finally(() => inFlight.delete(run));
  };

  const server = new SMTPServer({
    // Any local address is ours: support@, shouhou@, whatever the customer found.
    authOptional: true,
    disabledCommands: ["AUTH"],
    // No certificate of our own here: TLS belongs to the MTA in front (see README); offering STARTTLS with
    // a self-signed certificate would make strict senders fail instead of deliver.
    hideSTARTTLS: true,
    disableReverseLookup: true,
    size: settings.maxBytes,
    banner: "Aftersale after-sales intake",
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        if (stream.sizeExceeded) {
          const error = new Error(`message larger than ${settings.maxBytes} bytes`) as Error & {
            responseCode: number;
          };
          error.responseCode = 552;
          callback(error);
          return;
        }
        const raw = Buffer.concat(chunks);
        // A message without a Message-ID is known by its bytes: the same message resent is still one.
        const header = rawHeader(raw.subarray(0, 64 * 1024).toString("latin1"), "message-id");
        const messageId = header ? storable(header) : `<${sha256(raw)}@inbound.aftersale>`;
        insertInboundMail(ctx.db, {
          messageId,
          receivedAt: ctx.clock.now(),
          envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
          envelopeTo: session.envelope.rcptTo.map((r) => r.address).join(", "),
          raw,
        }).then(
          (id) => {
            // A duplicate is accepted too (the sender must stop retrying) and otherwise ignored.
            callback(null, id ? `queued as ${id}` : "already received");
            if (id) handle(id);
          },
          (error) => {
            log.error({ err: error }, "inbound mail could not be stored");
            const refusal = new Error("temporarily unable to accept the message") as Error & {
              responseCode: number;
            };
            refusal.responseCode = 451;
            callback(refusal);
          },
        );
      });
    },
  });
  server.on("error", (error) => log.error({ err: error }, "SMTP listener error"));
  await new Promise<void>((resolve, reject) => {
    server.server.once("error", reject);
    server.listen(settings.port, settings.host, () => {
      server.server.off("error", reject);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    // Stop taking mail, then let the mails in hand finish (what does not is picked up by the poller).
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.allSettled([...inFlight]);
    },
  };
}

/**
 * The listener's safety net: mails stored but not processed (the process died, the database was away)
 * and automatic replies not yet sent. Safe in several processes: both claim their rows.
 */
export function inboundMailPollers(ctx: AppContext, log: FastifyBaseLogger): Poller[] {
  const mailer = mailerOf(ctx, log);
  const BATCH = 20;
  return [
    serialPoller(
      "inbound-mail",
      5,
      async (now) => {
        const due = await dueInboundMail(ctx.db, now, BATCH);
        let handled = 0;
        for (const { id } of due) {
          try {
            if (await processInboundMail(ctx, String(id))) handled++;
          } catch (error) {
            log.error({ err: error, mail: id }, "inbound mail failed; retried later");
          }
        }
        return handled;
      },
      BATCH,
    ),
    serialPoller(
      "inbound-mail-replies",
      5,
      async (now) => {
        const due = await dueReplies(ctx.db, now, BATCH);
        for (const { id } of due) await sendReply(ctx, mailer, String(id));
        return due.length;
      },
      BATCH,
    ),
  ];
}
