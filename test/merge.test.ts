import { describe, expect, it } from "vitest";
import { served } from "./helpers/served.ts";
import { client, fileAppTicket, LONG_TEXT } from "./helpers/server.ts";

/** Merging a duplicate request into the customer's other open ticket, over real HTTP. */
const app = served("admin", "agent1");

/** A customer's ticket and their second request about the same order: the duplicate. */
async function duplicatePair() {
  const first = await fileAppTicket(app.url, app.token.admin);
  const again = await client(app.url).post("/api/v1/tickets", {
    channel: "app",
    phone: first.phone,
    orderNo: first.orderNo,
    description: LONG_TEXT,
  });
  expect(again.status).toBe(201);
  return { ...first, duplicate: again.body.ticketNo as string };
}

const statusOf = async (ticketNo: string) =>
  (await app.as("agent1").get(`/api/v1/tickets/${ticketNo}`)).body.status;

describe("merging a duplicate", () => {
  it("closes the duplicate into the other ticket, noted on both, and tells the customer where it went", async () => {
    const agent = app.as("agent1");
    const { ticketNo, phone, duplicate } = await duplicatePair();
    const merged = await agent.post(`/api/v1/tickets/${duplicate}/merge`, {
      into: ticketNo,
      reason: "重复提交",
    });
    expect(merged.status).toBe(200);
    expect(merged.body).toEqual({ ticketNo: duplicate, status: "closed", mergedInto: ticketNo });

    const source = await agent.get(`/api/v1/tickets/${duplicate}`);
    expect(source.body.status).toBe("closed");
    expect(source.body.events.map((e: { type: string }) => e.type)).toContain("merged_into");
    const target = await agent.get(`/api/v1/tickets/${ticketNo}`);
    expect(target.body.status).not.toBe("closed");
    const from = target.body.events.find((e: { type: string }) => e.type === "merged_from");
    expect(from.data).toMatchObject({ from: duplicate, reason: "重复提交" });

    const progress = await client(app.url).get(`/api/v1/tickets/${duplicate}/progress?phone=${phone}`);
    expect(progress.status).toBe(200);
    expect(JSON.stringify(progress.body)).toContain(ticketNo);
  });

  it("refuses a target that is no ticket, naming the field, and leaves the duplicate open", async () => {
    const agent = app.as("agent1");
    const { duplicate } = await duplicatePair();
    // Numbers sorting before and after the duplicate's: once the missing one's partner stood in for it.
    for (const into of ["9007199254740991", "ZZ99999999999999"]) {
      const r = await agent.post(`/api/v1/tickets/${duplicate}/merge`, { into });
      expect(r.status, into).toBe(400);
      expect(r.body.error.details[0]).toMatchObject({ field: "into", code: "NOT_FOUND" });
    }
    expect(await statusOf(duplicate)).toBe("new");
  });

  it("refuses merging a ticket into itself or into another customer's ticket with 409", async () => {
    const agent = app.as("agent1");
    const { duplicate } = await duplicatePair();
    const other = await fileAppTicket(app.url, app.token.admin);
    const self = await agent.post(`/api/v1/tickets/${duplicate}/merge`, { into: duplicate });
    expect(self.status).toBe(409);
    expect(self.body.error.code).toBe("MERGE_SAME_TICKET");
    const foreign = await agent.post(`/api/v1/tickets/${duplicate}/merge`, { into: other.ticketNo });
    expect(foreign.status).toBe(409);
    expect(foreign.body.error.code).toBe("MERGE_DIFFERENT_CUSTOMER");
    expect(await statusOf(duplicate)).toBe("new");
  });
});

describe("a merged duplicate", () => {
  it("stays closed: reopening it is 409 TICKET_MERGED, so it and its target can never point at each other", async () => {
    const agent = app.as("agent1");
    const { ticketNo, duplicate } = await duplicatePair();
    expect((await agent.post(`/api/v1/tickets/${duplicate}/merge`, { into: ticketNo })).status).toBe(200);

    const reopen = await agent.post(`/api/v1/tickets/${duplicate}/transitions`, {
      to: "reopened",
      reason: "客户说问题没解决",
    });
    expect(reopen.status).toBe(409);
    expect(reopen.body.error.code).toBe("TICKET_MERGED");
    expect(reopen.body.error.message).toContain(ticketNo);
    // Reopened, the duplicate was an open target: the survivor could be merged back into it.
    const back = await agent.post(`/api/v1/tickets/${ticketNo}/merge`, { into: duplicate });
    expect(back.status).toBe(409);
    expect(back.body.error.code).toBe("MERGE_TARGET_NOT_OPEN");
    expect(await statusOf(duplicate)).toBe("closed");
    expect((await agent.get(`/api/v1/tickets/${ticketNo}`)).body.mergedInto).toBeNull();
  });
});
