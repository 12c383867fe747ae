import { describe, expect, it } from "vitest";
import { served } from "./helpers/served.ts";
import { fileAppTicket } from "./helpers/server.ts";

/**
 * Two agents answering one customer at once promise two things. A reply says when its writing began;
 * a colleague's reply to the customer after that is quoted back (409) instead of sent over, and the agent
 * decides whether to send theirs anyway.
 */
const app = served("admin", "agent1", "agent2");

async function ticketSeen() {
  const { ticketNo } = await fileAppTicket(app.url, app.token.admin);
  const events = (await app.as("agent1").get(`/api/v1/tickets/${ticketNo}`)).body.events as { at: string }[];
  return { ticketNo, seen: events.at(-1)!.at };
}

const repliesOf = async (ticketNo: string) =>
  (
    (await app.as("admin").get(`/api/v1/tickets/${ticketNo}`)).body.events as {
      type: string;
      actor: string;
    }[]
  )
    .filter((e) => e.type === "reply")
    .map((e) => e.actor);

describe("replying while a colleague replied", () => {
  it("quotes the colleague's reply instead of sending, and sends when asked again without the time", async () => {
    const { ticketNo, seen } = await ticketSeen();
    const replies = `/api/v1/tickets/${ticketNo}/replies`;
    expect(
      (await app.as("agent2").post(replies, { body: "已为您联系骑手，十分钟内送达", visibility: "customer" }))
        .status,
    ).toBe(201);
    const mine = { body: "马上为您退款", visibility: "customer", writingSince: seen };
    const refused = await app.as("agent1").post(replies, mine);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("REPLIED_MEANWHILE");
    expect(refused.body.error.message).toContain("已为您联系骑手，十分钟内送达");
    expect(await repliesOf(ticketNo)).toEqual(["agent2"]);

    const anyway = await app.as("agent1").post(replies, { body: "马上为您退款", visibility: "customer" });
    expect(anyway.status).toBe(201);
    expect(await repliesOf(ticketNo)).toEqual(["agent2", "agent1"]);
  });

  it("lets through a note, one's own earlier reply, and a reply begun after the colleague's", async () => {
    const { ticketNo, seen } = await ticketSeen();
    const replies = `/api/v1/tickets/${ticketNo}/replies`;
    const agent1 = app.as("agent1");
    expect((await agent1.post(replies, { body: "第一条", visibility: "customer" })).status).toBe(201);
    expect(
      (await agent1.post(replies, { body: "第二条", visibility: "customer", writingSince: seen })).status,
    ).toBe(201);
    await app.as("agent2").post(replies, { body: "同事的回复", visibility: "customer" });
    expect(
      (await agent1.post(replies, { body: "内部备注", visibility: "internal", writingSince: seen })).status,
    ).toBe(201);
    const events = (await agent1.get(`/api/v1/tickets/${ticketNo}`)).body.events as { at: string }[];
    const later = events.at(-1)!.at;
    expect(
      (await agent1.post(replies, { body: "看过同事回复后", visibility: "customer", writingSince: later }))
        .status,
    ).toBe(201);
  });

  it("of two replies sent at the same moment from the same view, sends one and quotes it to the other", async () => {
    const { ticketNo, seen } = await ticketSeen();
    const replies = `/api/v1/tickets/${ticketNo}/replies`;
    const statuses = await Promise.all(
      (["agent1", "agent2"] as const).map(
        async (u) =>
          (await app.as(u).post(replies, { body: `${u} 的回复`, visibility: "customer", writingSince: seen }))
            .status,
      ),
    );
    expect(statuses.sort()).toEqual([201, 409]);
    expect(await repliesOf(ticketNo)).toHaveLength(1);
  });
});
