import { describe, expect, it } from "vitest";
import { served } from "./helpers/served.ts";
import { fileAppTicket } from "./helpers/server.ts";

/**
 * A customer calls the hotline: the agent types the caller's number into the queue's search box (or the
 * workspace asks for it) and sees every ticket of that customer, closed ones too, at once.
 */
const app = served("admin", "agent1", "merchant1");

const spaced = (phone: string) => `+86 ${phone.slice(0, 3)} ${phone.slice(3, 7)}-${phone.slice(7)}`;
const numbers = (body: { items: { ticketNo: string }[] }) => body.items.map((i) => i.ticketNo).sort();

/** Three tickets of one customer (at M001), the first closed, and one of somebody else. */
async function customerWithHistory() {
  const first = await fileAppTicket(app.url, app.token.admin, { merchantId: "M001" });
  const phone = first.phone;
  const later = [
    await fileAppTicket(app.url, app.token.admin, { customerPhone: phone, merchantId: "M001" }),
    await fileAppTicket(app.url, app.token.admin, { customerPhone: phone, merchantId: "M001" }),
  ];
  const staff = app.as("agent1");
  await staff.post(`/api/v1/tickets/${first.ticketNo}/take`, {});
  await staff.post(`/api/v1/tickets/${first.ticketNo}/transitions`, { to: "not_applicable", reason: "重复" });
  const someoneElse = await fileAppTicket(app.url, app.token.admin, { merchantId: "M001" });
  return {
    phone,
    tickets: [first, ...later].map((t) => t.ticketNo).sort(),
    someoneElse: someoneElse.ticketNo,
  };
}

describe("looking a customer up by phone", () => {
  it("finds all of the caller's tickets, by the phone filter and by the search box, however the number is written", async () => {
    const c = await customerWithHistory();
    const staff = app.as("agent1");
    const byFilter = await staff.get(`/api/v1/tickets?phone=${encodeURIComponent(spaced(c.phone))}`);
    expect(byFilter.status).toBe(200);
    expect(numbers(byFilter.body)).toEqual(c.tickets);
    expect(byFilter.body.total).toBe(3);
    const bySearch = await staff.get(`/api/v1/tickets?q=${encodeURIComponent(spaced(c.phone))}`);
    expect(numbers(bySearch.body)).toEqual(c.tickets);
    // The open ones only, as the queue's default view asks.
    const open = await staff.get(`/api/v1/tickets?phone=${c.phone}&status=new,in_progress`);
    expect(open.body.items).toHaveLength(2);
    expect(numbers(open.body)).not.toContain(c.someoneElse);
    // The list still masks the number.
    expect(JSON.stringify(byFilter.body)).not.toContain(c.phone);
  });

  it("puts each lookup on the personal-data access log", async () => {
    const c = await customerWithHistory();
    await app.as("agent1").get(`/api/v1/tickets?q=${c.phone}`);
    const log = await app.as("admin").get(`/api/v1/privacy/access-log?phone=${c.phone}`);
    expect(log.body.items).toContainEqual(
      expect.objectContaining({
        staff: "agent1",
        route: "/api/v1/tickets",
        ticketNo: null,
        fields: ["tickets"],
      }),
    );
  });

  it("refuses a phone lookup to staff who see numbers masked, and finds nothing for them by the search box", async () => {
    const c = await customerWithHistory();
    const asMerchant = app.as("merchant1");
    const filtered = await asMerchant.get(`/api/v1/tickets?phone=${c.phone}`);
    expect(filtered.status).toBe(403);
    expect(filtered.body.error.code).toBe("FORBIDDEN");
    // These are M001's own tickets, yet the number does not find them: it would say whose they are.
    const searched = await asMerchant.get(`/api/v1/tickets?q=${c.phone}`);
    expect(searched.status).toBe(200);
    expect(searched.body.items).toEqual([]);
    const byOrder = await asMerchant.get(`/api/v1/tickets?q=${c.tickets[0]}`);
    expect(byOrder.body.items).toHaveLength(1);
  });

  it("names the field when the number is not a mobile number", async () => {
    const r = await app.as("agent1").get("/api/v1/tickets?phone=12345");
    expect(r.status).toBe(400);
    expect(r.body.error.details).toEqual([
      expect.objectContaining({ field: "phone", code: "INVALID_PHONE" }),
    ]);
  });
});
