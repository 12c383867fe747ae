import { createHmac, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { served } from "./helpers/served.ts";
import { createOrder, LONG_TEXT } from "./helpers/server.ts";

/** The hotline's CTI posting signed call events, and an agent registering the caller's request mid-call. */

const SECRET = "cti-shared-secret-for-tests-0123";
const app = served({ env: { CTI_SECRET: SECRET } }, "admin", "agent1");

/** Posts a body to the webhook signed as the CTI signs it. */
async function postSigned(body: string, secret = SECRET) {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
  const res = await fetch(`${app.url}/api/v1/channels/cti/events`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-cti-timestamp": timestamp,
      "x-cti-signature": signature,
    },
    body,
  });
  return { status: res.status, body: (await res.json()) as any };
}

async function cti(event: Record<string, unknown>, secret = SECRET) {
  const body = JSON.stringify({ eventId: randomUUID(), ...event });
  return { ...(await postSigned(body, secret)), sent: JSON.parse(body) };
}

// Calls of this run happen in a window of their own, so earlier runs on a shared database do not count.
const base = Date.UTC(2021, 0, 1) + Math.floor(Math.random() * 1000) * 86_400_000;
const at = (seconds: number) => new Date(base + seconds * 1000).toISOString();

describe("phone hotline (CTI)", () => {
  it("turns a call into a phone ticket with the caller's number and the IVR category, and counts the answer rate", async () => {
    const { phone, orderNo } = await createOrder(app.url, app.token.admin);
    const callId = `C-${randomUUID()}`;
    expect(
      (await cti({ callId, type: "call_started", at: at(0), callerNumber: `+86 ${phone}` })).status,
    ).toBe(200);
    const key = await cti({ callId, type: "ivr_key", at: at(10), key: "1" });
    expect(key.status).toBe(200);
    expect((await cti({ callId, type: "agent_answered", at: at(40), agent: "agent1" })).status).toBe(200);

    const created = await app.as("agent1").post(`/api/v1/channels/cti/calls/${callId}/ticket`, {
      orderNo,
      description: LONG_TEXT,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const ticket = await app.as("admin").get(`/api/v1/tickets/${created.body.ticketNo}`);
    expect(ticket.body).toMatchObject({ channel: "phone", category: "delivery" });
    // Asked again during the same call: the same ticket, with a note.
    const update = await app.as("agent1").post(`/api/v1/channels/cti/calls/${callId}/ticket`, {
      description: "客户补充：骑手电话打不通",
    });
    expect(update.body).toMatchObject({ ticketNo: created.body.ticketNo, created: false });

    expect(
      (await cti({ callId, type: "recording", at: at(200), recordingUrl: "https://cti.example/rec/1.mp3" }))
        .status,
    ).toBe(200);
    expect((await cti({ callId, type: "call_ended", at: at(210) })).status).toBe(200);

    const lost = `C-${randomUUID()}`;
    await cti({ callId: lost, type: "call_started", at: at(300), callerNumber: "13900001111" });
    await cti({ callId: lost, type: "ivr_key", at: at(305), key: "2" });
    await cti({ callId: lost, type: "abandoned", at: at(365) });
    // A late "answered" for an abandoned call does not turn it into an answered one.
    await cti({ callId: lost, type: "agent_answered", at: at(370), agent: "agent2" });

    const metrics = await app
      .as("agent1")
      .get(
        `/api/v1/channels/cti/metrics?from=${encodeURIComponent(at(-1))}&to=${encodeURIComponent(at(3600))}`,
      );
    expect(metrics.body).toMatchObject({
      calls: 2,
      offeredToAgents: 2,
      answered: 1,
      abandoned: 1,
      humanAnswerRate: 0.5,
      averageWaitSeconds: 30,
    });
    const scraped = await (await fetch(`${app.url}/metrics`)).text();
    expect(scraped).toContain("aftersale_hotline_calls_24h");
  });

  it("ignores a redelivered event and refuses a bad signature", async () => {
    const callId = `C-${randomUUID()}`;
    const first = await cti({ callId, type: "call_started", at: at(1000), callerNumber: "13900002222" });
    const redelivered = await postSigned(JSON.stringify(first.sent));
    expect(redelivered.body).toEqual({ callId, duplicate: true });

    const forged = await cti({ callId, type: "abandoned", at: at(1010) }, "not-the-shared-secret-0000");
    expect(forged.status).toBe(401);
    expect(forged.body.error.code).toBe("INVALID_SIGNATURE");
    const invalid = await cti({ callId, type: "hung_up", at: "yesterday" });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(["at", "type"]);
  });
});
