import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface SmsCall {
  phone: string;
  text: string;
  ticketNo: string | null;
  status: number;
  /** The request carried a valid signature of the shared secret. */
  signed: boolean;
}

/**
 * A local SMS provider speaking the signed-HTTP protocol of `SMS_URL`: it records every message and can
 * be made to fail (`failing = true` answers 500). `env` is what the app needs to send through it.
 */
export async function smsGateway() {
  const secret = "sms-secret-for-tests-0123456789";
  const calls: SmsCall[] = [];
  const state = { failing: false };
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      const expected = `sha256=${createHmac("sha256", secret).update(`${req.headers["x-timestamp"]}.${body}`).digest("hex")}`;
      const payload = JSON.parse(body) as { phone: string; text: string; ticketNo?: string | null };
      const status = state.failing ? 500 : 200;
      calls.push({
        phone: payload.phone,
        text: payload.text,
        ticketNo: payload.ticketNo ?? null,
        status,
        signed: req.headers["x-signature"] === expected,
      });
      res.writeHead(status, { "content-type": "application/json" });
      res.end(state.failing ? '{"error":"gateway down"}' : `{"messageId":"SMS-${calls.length}"}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/send`;
  return {
    calls,
    env: { SMS_URL: url, SMS_SECRET: secret },
    set failing(value: boolean) {
      state.failing = value;
    },
    to: (phone: string) => calls.filter((c) => c.phone === phone),
    /** The messages to `phone` once there are `count` of them (they leave after the API's answer). */
    async waitFor(phone: string, count = 1, timeoutMs = 10_000): Promise<SmsCall[]> {
      const until = Date.now() + timeoutMs;
      while (calls.filter((c) => c.phone === phone).length < count) {
        if (Date.now() > until) throw new Error(`no SMS #${count} to ${phone} within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return calls.filter((c) => c.phone === phone);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
