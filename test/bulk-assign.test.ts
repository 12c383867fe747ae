import { describe, expect, it } from "vitest";
import { served } from "./helpers/served.ts";
import { fileAppTicket } from "./helpers/server.ts";

/**
 * An agent is off sick: the supervisor selects their open tickets in the queue and hands them all to a
 * colleague at once. Each ticket is assigned as by hand, and the answer says which were not, and why.
 */
const app = served("admin", "supervisor1", "agent1");

const fileThree = async () =>
  Promise.all([1, 2, 3].map(async () => (await fileAppTicket(app.url, app.token.admin)).ticketNo));

describe("assigning many tickets at once", () => {
  it("assigns each open ticket to the colleague and answers for the closed and the missing one by itself", async () => {
    const open = await fileThree();
    const closed = (await fileAppTicket(app.url, app.token.admin)).ticketNo;
    const staff = app.as("agent1");
    await staff.post(`/api/v1/tickets/${closed}/take`, {});
    await staff.post(`/api/v1/tickets/${closed}/transitions`, { to: "not_applicable", reason: "重复提交" });
    const missing = "FD2099010199999";

    const r = await app.as("supervisor1").post("/api/v1/tickets/bulk/assign", {
      ticketNos: [...open, closed, missing],
      username: "agent2",
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ assignee: "agent2", assigned: 3, failed: 2 });
    expect(r.body.results).toEqual([
      ...open.map((ticketNo) => ({ ticketNo, ok: true })),
      { ticketNo: closed, ok: false, error: { code: "TICKET_NOT_OPEN", message: "服务单已结束，无法指派" } },
      { ticketNo: missing, ok: false, error: expect.objectContaining({ code: "NOT_FOUND" }) },
    ]);
    for (const ticketNo of open) {
      const detail = (await staff.get(`/api/v1/tickets/${ticketNo}`)).body;
      expect(detail.assignee.username).toBe("agent2");
      expect(detail.status).toBe("in_progress");
      expect(detail.events.at(-1)).toMatchObject({ type: "assigned", actor: "supervisor1" });
    }
    expect((await staff.get(`/api/v1/tickets/${closed}`)).body.status).toBe("not_applicable");
  });

  it("refuses an assignee who is not an agent before touching any ticket, naming the field", async () => {
    const open = await fileThree();
    const r = await app.as("supervisor1").post("/api/v1/tickets/bulk/assign", {
      ticketNos: open,
      username: "merchant1",
    });
    expect(r.status).toBe(400);
    expect(r.body.error.details).toEqual([
      expect.objectContaining({ field: "username", code: "NOT_AN_AGENT" }),
    ]);
    for (const ticketNo of open)
      expect((await app.as("agent1").get(`/api/v1/tickets/${ticketNo}`)).body.assignee).toBeNull();
  });

  it("takes 1 to 100 distinct ticket numbers, and only from staff who may assign", async () => {
    const [one] = await fileThree();
    const as = app.as("supervisor1");
    for (const ticketNos of [
      [],
      [one, one],
      Array.from({ length: 101 }, (_, i) => `FD${20990101000000 + i}`),
    ]) {
      const r = await as.post("/api/v1/tickets/bulk/assign", { ticketNos, username: "agent2" });
      expect(r.status).toBe(400);
      expect(r.body.error.details[0].field).toMatch(/^ticketNos/);
    }
    const byAgent = await app.as("agent1").post("/api/v1/tickets/bulk/assign", {
      ticketNos: [one],
      username: "agent2",
    });
    expect(byAgent.status).toBe(403);
  });

  it("words the reasons in the caller's language", async () => {
    const r = await app
      .as("supervisor1")
      .post(
        "/api/v1/tickets/bulk/assign",
        { ticketNos: ["FD2099010199998"], username: "agent2" },
        { "accept-language": "en" },
      );
    expect(r.body.results[0].error).toEqual({ code: "NOT_FOUND", message: "Ticket not found" });
  });
});
