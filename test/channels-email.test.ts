import type { AddressInfo } from "node:net";
import { type ParsedMail, simpleParser } from "mailparser";
import nodemailer, { type Transporter } from "nodemailer";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type InboundMail, startInboundMail } from "../src/modules/channels/email/email.listener.ts";
import { findInboundMail } from "../src/modules/channels/email/email.store.ts";
import { jpeg } from "./helpers/evidence.ts";
import { served } from "./helpers/served.ts";
import { createOrder } from "./helpers/server.ts";

/**
 * Inbound e-mail with real protocol peers: nodemailer delivers to the listener over SMTP, and the
 * automatic replies go out through a local SMTP server standing in for the outgoing relay.
 */

const relayed: ParsedMail[] = [];
let relay: SMTPServer;
let inbound: InboundMail;
let send: Transporter;

beforeAll(async () => {
  relay = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then((mail) => {
        relayed.push(mail);
        callback();
      }, callback);
    },
  });
  await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
});
afterAll(() => new Promise<void>((resolve) => relay.close(() => resolve())));

// Hooks run in order (and after-hooks in reverse): the relay is up before the server, closed after it.
const app = served(
  {
    env: () => ({
      SMTP_HOST: "127.0.0.1",
      SMTP_PORT_OUT: String((relay.server.address() as AddressInfo).port),
      SMTP_FROM: "售后服务 <service@aftersale.test>",
    }),
  },
  "admin",
);

beforeAll(async () => {
  inbound = await startInboundMail(
    app.server.app.ctx,
    { port: 0, host: "127.0.0.1", maxBytes: 5 * 1024 * 1024 },
    app.server.app.http.log,
  );
  send = nodemailer.createTransport({ host: "127.0.0.1", port: inbound.port, secure: false });
});
afterAll(async () => {
  send?.close();
  await inbound?.close();
});

async function eventually<T>(what: string, probe: () => Promise<T | undefined | null | false>): Promise<T> {
  const until = Date.now() + 20_000;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const replyTo = (address: string) =>
  eventually(`a reply to ${address}`, async () =>
    relayed.find((m) => (m.to as { text: string } | undefined)?.text.includes(address)),
  );

const processed = (messageId: string) =>
  eventually(`mail ${messageId} processed`, async () => {
    const row = await findInboundMail(app.server.app.ctx.db, messageId);
    return row?.status === "processed" ? row : undefined;
  });

describe("inbound e-mail", () => {
  it("turns a mail into an e-mail ticket with its photo and answers with the ticket number, promise and hours", async () => {
    const { phone, orderNo } = await createOrder(app.url, app.token.admin);
    const from = `li.${orderNo.toLowerCase()}@customer.test`;
    const messageId = `<first-${orderNo}@customer.test>`;
    await send.sendMail({
      from,
      to: "shouhou@aftersale.test",
      subject: "外卖送晚了一个多小时",
      messageId,
      text: `你好，订单号：${orderNo}，手机 ${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}。晚上六点下的单，等了一个多小时还没送到，饭都凉了，希望退款。`,
      attachments: [
        { filename: "photo.jpg", content: await jpeg() },
        { filename: "invoice.exe", content: Buffer.from("MZ not a photo") },
      ],
    });

    const reply = await replyTo(from);
    const ticketNo = /【([A-Z]{2}\d{14})】/.exec(reply.subject ?? "")?.[1];
    expect(ticketNo, reply.subject).toBeDefined();
    expect(reply.inReplyTo).toBe(messageId);
    expect(reply.headers.get("auto-submitted")).toBe("auto-replied");
    expect(reply.text).toContain("30分钟内响应");
    expect(reply.text).toContain("工作日 09:00–21:00");
    expect(reply.text).toContain("invoice.exe");

    const ticket = await app.as("admin").get(`/api/v1/tickets/${ticketNo}`);
    expect(ticket.status).toBe(200);
    expect(ticket.body).toMatchObject({ channel: "email", category: "delivery" });
    expect(ticket.body.attachments).toHaveLength(1);
    expect(ticket.body.attachments[0].kind).toBe("image");

    // The customer answers the auto-reply: the message threads onto the ticket, no new ticket.
    const replyId = `<second-${orderNo}@customer.test>`;
    await send.sendMail({
      from,
      to: "shouhou@aftersale.test",
      subject: `Re: ${reply.subject}`,
      messageId: replyId,
      inReplyTo: reply.messageId,
      references: [messageId, reply.messageId!],
      text: `补充一下：骑手电话一直打不通。\n\n在 2026年11月25日 写道：\n> ${reply.text?.slice(0, 40)}`,
    });
    expect((await processed(replyId)).outcome).toBe("thread");
    const after = await app.as("admin").get(`/api/v1/tickets/${ticketNo}`);
    const message = after.body.events.find((e: { type: string }) => e.type === "customer_message");
    expect(message.data.body).toBe("补充一下：骑手电话一直打不通。");
    const queue = await app.as("admin").get(`/api/v1/tickets?q=${orderNo}`);
    expect(queue.body.total).toBe(1);

    // The same message delivered again (a sender's retry) is accepted and ignored.
    await send.sendMail({
      from,
      to: "shouhou@aftersale.test",
      subject: "外卖送晚了一个多小时",
      messageId,
      text: "重复",
    });
    await new Promise((r) => setTimeout(r, 300));
    expect((await app.as("admin").get(`/api/v1/tickets?q=${orderNo}`)).body.total).toBe(1);
    expect(relayed.filter((m) => (m.to as { text: string }).text.includes(from))).toHaveLength(1);
  });

  it("registers a mail whose subject, text and file name hold NUL characters, without them", async () => {
    const { phone, orderNo } = await createOrder(app.url, app.token.admin);
    const from = `nul.${orderNo.toLowerCase()}@customer.test`;
    const messageId = `<nul-${orderNo}@customer.test>`;
    // PostgreSQL cannot store a NUL; a mail cannot be refused like a request, so they are dropped.
    await send.sendMail({
      from,
      to: "shouhou@aftersale.test",
      subject: "外卖\u0000送晚了",
      messageId,
      text: `订单号：${orderNo}，手机 ${phone}。等了一个多小时\u0000还没送到。`,
      attachments: [{ filename: "pho\u0000to.jpg", content: await jpeg() }],
    });
    const row = await processed(messageId);
    expect(row.outcome).toBe("ticket");
    const ticket = await app.as("admin").get(`/api/v1/tickets/${row.ticket_no}`);
    expect(ticket.body.description).toContain("外卖送晚了");
    expect(ticket.body.description).toContain("等了一个多小时还没送到");
    expect(JSON.stringify(ticket.body)).not.toContain("\\u0000");
    expect(ticket.body.attachments).toHaveLength(1);
  });

  it("asks for the missing order number by name, and registers once the customer answers", async () => {
    const { phone, orderNo } = await createOrder(app.url, app.token.admin);
    const from = `wang.${orderNo.toLowerCase()}@customer.test`;
    const firstId = `<ask-${orderNo}@customer.test>`;
    await send.sendMail({
      from,
      to: "kefu@aftersale.test",
      subject: "饭菜里有头发",
      messageId: firstId,
      text: `我的手机是${phone}，今天中午点的外卖里吃出了一根头发，太恶心了。`,
    });
    const ask = await replyTo(from);
    expect(ask.subject).not.toMatch(/[A-Z]{2}\d{14}/);
    expect(ask.text).toContain("订单号");
    expect((await processed(firstId)).missing_fields).toContain("orderNo");

    await send.sendMail({
      from,
      to: "kefu@aftersale.test",
      subject: `Re: ${ask.subject}`,
      messageId: `<answer-${orderNo}@customer.test>`,
      inReplyTo: ask.messageId,
      text: `订单号 ${orderNo}`,
    });
    const answered = await processed(`<answer-${orderNo}@customer.test>`);
    expect(answered.outcome).toBe("ticket");
    const ticket = await app.as("admin").get(`/api/v1/tickets/${answered.ticket_no}`);
    expect(ticket.body.channel).toBe("email");
    expect(ticket.body.description).toContain("头发");
    await eventually("the acknowledgement", async () =>
      relayed.find((m) => m.subject?.includes(`【${answered.ticket_no}】`)),
    );
  });
});
