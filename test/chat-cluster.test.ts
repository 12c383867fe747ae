import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_CHANNEL_MESSAGE_BYTES } from "../src/platform/live.ts";
import { type Frame, Peer } from "./helpers/chat-peer.ts";
import { createOwnDatabase } from "./helpers/own-database.ts";
import { type ServerProcess, spawnServer } from "./helpers/process.ts";
import { client, createOrder, login } from "./helpers/server.ts";

/**
 * Live chat when the customer and the agents are connected to different app processes on one
 * PostgreSQL, as behind a load balancer: the customer's widget on process A, the agent who takes the
 * chat on process B, a second agent on A. Everything a socket on one process must hear from the other
 * crosses over LISTEN/NOTIFY.
 *
 * PostgreSQL only (TEST_DATABASE_URL): PGlite is one process, where the in-memory hub is the whole story.
 */
const PG_URL = process.env.TEST_DATABASE_URL;
const running: ServerProcess[] = [];
const dirs: string[] = [];

/** Lines of a thousand characters, the longest allowed: a transcript of a few is too long for one NOTIFY. */
const LONG_LINE = (n: number) =>
  `第${n}次说明：${"外卖送错了地址，骑手联系不上，我一直在等，".repeat(50)}`.slice(0, 1000);

describe.skipIf(!PG_URL)("live chat across two app processes", () => {
  let a: ServerProcess;
  let b: ServerProcess;
  let own: Awaited<ReturnType<typeof createOwnDatabase>>;

  beforeAll(async () => {
    // A database of its own: NOTIFY reaches every server on a database, and other test files' servers
    // with their agents must not count among this test's agents online.
    own = await createOwnDatabase("chat_cluster");
    const env = () => {
      const dir = mkdtempSync(join(process.cwd(), ".test-data", "chat-cluster-"));
      dirs.push(dir);
      return {
        DATABASE_URL: own!.url,
        DATA_DIR: dir,
        AUTH_SECRET: "chat-cluster-secret-chat-cluster-secret-01",
        LOG_LEVEL: "warn",
        PUBLIC_RATE_LIMIT: "100000",
      };
    };
    [a, b] = await Promise.all([spawnServer(env(), 120_000), spawnServer(env(), 120_000)]);
    running.push(a, b);
  }, 240_000);

  afterAll(async () => {
    for (const p of running)
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
    await Promise.all(running.map((p) => p.exited));
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    await own?.drop();
  });

  const ws = (p: ServerProcess, path: string, headers: Record<string, string> = {}) =>
    Peer.open(p.url.replace(/^http/, "ws") + path, headers);

  it("hands over, accepts, relays both ways and tells the other agents, whichever process each is on", {
    timeout: 120_000,
  }, async () => {
    const admin = await login(a.url, "admin");
    const { phone, orderNo } = await createOrder(a.url, admin);
    const agentToken = await login(b.url, "agent1");
    const agentOnB = await ws(b, "/api/v1/chat/agent", { authorization: `Bearer ${agentToken}` });
    const otherOnA = await ws(a, "/api/v1/chat/agent", {
      authorization: `Bearer ${await login(a.url, "agent2")}`,
    });
    await Promise.all([agentOnB.next((f) => f.type === "hello"), otherOnA.next((f) => f.type === "hello")]);

    // An English-speaking customer on A: lines an agent on B stores for them are worded in English.
    const customer = await ws(a, "/api/v1/chat/customer", { "accept-language": "en" });
    customer.send({ type: "hello", phone, orderNo });
    const welcome = await customer.next((f) => f.type === "welcome" || f.type === "error");
    expect(welcome.type).toBe("welcome");
    const chatId = welcome.chatId as string;

    // Two long lines before asking: the hand-over's transcript is more than a NOTIFY can carry, so the
    // agent's process reads it from the database.
    for (const n of [1, 2]) {
      const seen = customer.frames.length;
      customer.send({ type: "message", text: LONG_LINE(n), id: `long${n}` });
      await customer.next((f) => f.type === "ack" && f.id === `long${n}`);
      await customer.next((f) => (f.type === "message" && f.from === "bot") || f.type === "queued", seen);
    }
    if (!customer.frames.some((f) => f.type === "queued")) customer.send({ type: "message", text: "转人工" });
    const queued = await customer.next((f) => f.type === "queued");
    // One agent here, one on B: the customer is told of both.
    expect(queued.agentsOnline).toBe(2);

    const handover = await agentOnB.next((f) => f.type === "handover" && f.chat.chatId === chatId);
    expect(handover.chat.phone).toBe(`${phone.slice(0, 3)}****${phone.slice(-4)}`);
    const said = handover.chat.transcript.map((l: Frame) => l.text);
    expect(said).toEqual(expect.arrayContaining([LONG_LINE(1), LONG_LINE(2)]));
    expect(Buffer.byteLength(JSON.stringify(handover))).toBeGreaterThan(MAX_CHANNEL_MESSAGE_BYTES);
    await otherOnA.next((f) => f.type === "handover" && f.chat.chatId === chatId);

    agentOnB.send({ type: "accept", chatId });
    const accepted = await agentOnB.next((f) => f.type === "accepted" || f.type === "error");
    expect(accepted.type).toBe("accepted");
    expect(accepted.chat.phone).toBe(phone);
    const joined = await customer.next((f) => f.type === "agent_joined");
    expect(joined.text).toMatch(/has joined/);
    const taken = await otherOnA.next((f) => f.type === "taken" && f.chatId === chatId);
    expect(taken.by).toBe(joined.agent);
    // Too late on A: the chat was decided on B, in the one UPDATE both processes share.
    otherOnA.send({ type: "accept", chatId });
    expect((await otherOnA.next((f) => f.type === "error")).code).toBe("CHAT_NOT_WAITING");

    for (let i = 1; i <= 3; i++) {
      agentOnB.send({ type: "message", chatId, text: `您好，我来查第${i}件事`, id: `a${i}` });
      await agentOnB.next((f) => f.type === "ack" && f.id === `a${i}`);
    }
    customer.send({ type: "message", text: "好的，谢谢", id: "c1" });
    await customer.next((f) => f.type === "ack" && f.id === "c1");
    const fromCustomer = await agentOnB.next((f) => f.type === "message" && f.from === "customer");
    expect(fromCustomer).toMatchObject({ chatId, text: "好的，谢谢" });
    // In the order the agent sent them, though each crossed as a NOTIFY of its own.
    await customer.next((f) => f.type === "message" && f.text === "您好，我来查第3件事");
    expect(
      customer.frames.filter((f) => f.type === "message" && f.from === "agent").map((f) => f.text),
    ).toEqual(["您好，我来查第1件事", "您好，我来查第2件事", "您好，我来查第3件事"]);

    // A line whose every character must be escaped in JSON is too long for a NOTIFY: it crosses as its
    // id and the customer's process reads it back.
    const odd = `${"\u0001".repeat(998)}ok`;
    agentOnB.send({ type: "message", chatId, text: odd, id: "odd" });
    await agentOnB.next((f) => f.type === "ack" && f.id === "odd");
    expect((await customer.next((f) => f.type === "message" && f.text === odd)).from).toBe("agent");

    // The ticket is made over HTTP on B; the customer on A is told its number, in English.
    const made = await client(b.url, agentToken).post(`/api/v1/chats/${chatId}/ticket`, {});
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const told = await customer.next((f) => f.type === "ticket");
    expect(told).toMatchObject({ ticketNo: made.body.ticketNo });
    expect(told.text).toContain("registered");

    agentOnB.send({ type: "close", chatId });
    const closed = await customer.next((f) => f.type === "closed");
    expect(closed.text).toMatch(/ended the chat/);
    // The customer's process knows the chat ended: a further line is refused there.
    customer.send({ type: "message", text: "还在吗", id: "late" });
    expect((await customer.next((f) => f.type === "error" && f.replyTo === "late")).code).toBe("CHAT_CLOSED");

    // Leaving while waiting withdraws the chat from agents on the other process too.
    const second = await createOrder(a.url, admin);
    const waiting = await ws(a, "/api/v1/chat/customer");
    waiting.send({ type: "hello", phone: second.phone, orderNo: second.orderNo });
    const hello2 = await waiting.next((f) => f.type === "welcome");
    waiting.send({ type: "human" });
    await agentOnB.next((f) => f.type === "handover" && f.chat.chatId === hello2.chatId);
    waiting.closeNow();
    await agentOnB.next((f) => f.type === "withdrawn" && f.chatId === hello2.chatId);

    for (const peer of [customer, agentOnB, otherOnA]) peer.closeNow();
  });
});
