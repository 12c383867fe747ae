import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServerWithOwnDatabase } from "./helpers/own-database.ts";
import { client, fileAppTicket, login, type TestServer } from "./helpers/server.ts";

/**
 * "agent2 is viewing this ticket": open workspaces call in, and each hears who else has the ticket open.
 * The clock moves past the presence window, so the file has a database of its own.
 */
let server: TestServer;
const token: Record<string, string> = {};
const as = (u: string) => client(server.url, token[u]);
const view = (u: string, ticketNo: string) => as(u).put(`/api/v1/tickets/${ticketNo}/viewers/me`);
const names = (r: { body: { viewers: { username: string }[] } }) => r.body.viewers.map((v) => v.username);

beforeAll(async () => {
  server = await startServerWithOwnDatabase("viewers");
  for (const u of ["admin", "agent1", "agent2", "supervisor1", "merchant1"])
    token[u] = await login(server.url, u);
});
afterAll(() => server?.close());

describe("who else has the ticket open", () => {
  it("tells each viewer the others, longest first, with their names, until one closes the ticket", async () => {
    const { ticketNo } = await fileAppTicket(server.url, token.admin!);
    const first = await view("agent1", ticketNo);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ heartbeatSeconds: 15, viewers: [] });

    expect(names(await view("agent2", ticketNo))).toEqual(["agent1"]);
    expect(names(await view("supervisor1", ticketNo))).toEqual(["agent1", "agent2"]);
    const again = await view("agent1", ticketNo);
    expect(again.body.viewers).toEqual([
      { username: "agent2", displayName: expect.any(String), since: expect.any(String) },
      { username: "supervisor1", displayName: expect.any(String), since: expect.any(String) },
    ]);
    expect(again.body.viewers[0].displayName).not.toBe("");

    expect((await as("agent2").delete(`/api/v1/tickets/${ticketNo}/viewers/me`)).status).toBe(204);
    expect(names(await view("agent1", ticketNo))).toEqual(["supervisor1"]);
    // Another ticket's viewers are not this one's.
    const other = await fileAppTicket(server.url, token.admin!);
    expect(names(await view("agent1", other.ticketNo))).toEqual([]);
  });

  it("forgets a workspace that stops calling in after 45 seconds, and keeps one that does", async () => {
    const { ticketNo } = await fileAppTicket(server.url, token.admin!);
    await view("agent1", ticketNo);
    await view("agent2", ticketNo);
    server.clock.advance(30);
    await view("agent2", ticketNo); // agent2's tab is still open; agent1's was closed without a word
    server.clock.advance(16);
    expect(names(await view("supervisor1", ticketNo))).toEqual(["agent2"]);
    server.clock.advance(1);
    const back = await view("agent1", ticketNo);
    expect(names(back)).toEqual(["agent2", "supervisor1"]);
    // agent1 came back: their viewing starts anew, so they are listed after those who stayed.
    expect(names(await view("agent2", ticketNo))).toEqual(["supervisor1", "agent1"]);
  });

  it("is only for staff who work tickets, and only for tickets that exist", async () => {
    const { ticketNo } = await fileAppTicket(server.url, token.admin!);
    expect((await view("merchant1", ticketNo)).status).toBe(403);
    expect((await client(server.url).put(`/api/v1/tickets/${ticketNo}/viewers/me`)).status).toBe(401);
    const missing = await view("agent1", "FD20990101999999");
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("NOT_FOUND");
  });
});
