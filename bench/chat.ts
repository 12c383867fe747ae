/**
 * `npm run bench -- chat`: hand-over time of live chat under N concurrent conversations.
 *
 * The real app (buildApp) on a fresh database (PGlite in a new DATA_DIR, or PostgreSQL with
 * BENCH_DATABASE_URL pointing at an empty database) with the demo users; BENCH_CHAT_AGENTS agents connect
 * their workspace sockets and accept every hand-over they are offered (they race; the first wins). Then
 * BENCH_CHAT_CHATS customers at once: hello → "餐没到怎么办" (bot answer) → "转人工" → wait for the agent.
 *
 * Figures: `handover_*` is the server's own measure (request stored → accept stored, as the metric
 * aftersale_chat_handover_seconds and GET /chats/:id report it); `customer_wait_*` is what the customer
 * feels, from sending "转人工" to the agent_joined frame; `bot_*` is question → bot answer. Server and
 * clients share one process and its event loop, so the figures include the clients' own work.
 * Target (DOMAIN.md): hand-over within 30 s when an agent is free.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import WebSocket from "ws";
import { buildApp } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { openAndMigrate } from "../src/db/database.ts";
import { DEMO_PASSWORD, loadDemo } from "../src/modules/demo/demo.ts";
import { SystemClock } from "../src/platform/clock.ts";
import { loadPacks } from "../src/policy-packs/load.ts";
import { fmt, percentile } from "./lib/figures.ts";

const env = process.env;
const CHATS = Number(env.BENCH_CHAT_CHATS ?? 50);
const AGENTS = ["agent1", "agent2", "supervisor1", "manager1"].slice(0, Number(env.BENCH_CHAT_AGENTS ?? 4));

// biome-ignore lint/suspicious/noExplicitAny: the bench reads server frames loosely, as a script
type Frame = Record<string, any> & { type: string };

const ranked = (values: number[], p: number) =>
  percentile(
    [...values].sort((a, b) => a - b),
    p,
  );

function open(url: string, headers: Record<string, string> = {}) {
  const ws = new WebSocket(url, { headers });
  const frames: Frame[] = [];
  const waiters: Array<() => void> = [];
  ws.on("message", (d) => {
    frames.push(JSON.parse(d.toString()));
    for (const w of waiters.splice(0)) w();
  });
  const next = async (match: (f: Frame) => boolean): Promise<Frame> => {
    for (;;) {
      const i = frames.findIndex(match);
      if (i >= 0) return frames.splice(i, 1)[0]!;
      await new Promise<void>((r) => waiters.push(r));
    }
  };
  return new Promise<{ ws: WebSocket; next: typeof next }>((resolve, reject) => {
    ws.once("open", () => resolve({ ws, next }));
    ws.once("error", reject);
  });
}

export default async function chatBench(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "bench-chat-"));
  const config = loadConfig({
    DATA_DIR: dataDir,
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "warn",
    PUBLIC_RATE_LIMIT: "1000000",
    ...(env.BENCH_DATABASE_URL ? { DATABASE_URL: env.BENCH_DATABASE_URL } : {}),
  });
  const database = await openAndMigrate(config);
  const clock = new SystemClock();
  await loadDemo(database.db, clock.now(), 5);
  const app = await buildApp(config, database, loadPacks(), clock);
  await app.http.listen({ port: 0, host: "127.0.0.1" });
  const address = app.http.server.address();
  const base = `127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  const sockets: WebSocket[] = [];
  try {
    const handoverMs: number[] = [];
    const agents: Array<Awaited<ReturnType<typeof open>>> = [];
    let done = false;
    for (const username of AGENTS) {
      const res = await fetch(`http://${base}/api/v1/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username, password: DEMO_PASSWORD }),
      });
      const { token } = (await res.json()) as { token: string };
      const agent = await open(`ws://${base}/api/v1/chat/agent`, { authorization: `Bearer ${token}` });
      sockets.push(agent.ws);
      agents.push(agent);
    }
    // Every agent hears every hand-over; each takes the next one still waiting, one at a time, as a person
    // at the console would (the race of two agents for one chat is in test/chat.test.ts).
    const waiting: string[] = [];
    const idle: Array<() => void> = [];
    const wakeAll = () => {
      for (const resume of idle.splice(0)) resume();
    };
    for (const agent of agents) {
      agent.ws.on("message", (d) => {
        const f = JSON.parse(d.toString()) as Frame;
        if (f.type === "handover") {
          waiting.push(f.chat.chatId);
          wakeAll();
        }
      });
      void (async () => {
        while (!done) {
          const chatId = waiting.shift();
          if (!chatId) {
            await new Promise<void>((resume) => idle.push(resume));
            continue;
          }
          agent.ws.send(JSON.stringify({ type: "accept", chatId }));
          const answer = await agent.next((f) => f.type === "accepted" || f.type === "error");
          if (answer.type === "accepted") handoverMs.push(answer.chat.handoverMs);
        }
      })();
    }

    const botMs: number[] = [];
    const waitMs: number[] = [];
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CHATS }, async (_, i) => {
        const customer = await open(`ws://${base}/api/v1/chat/customer`);
        sockets.push(customer.ws);
        const send = (f: unknown) => customer.ws.send(JSON.stringify(f));
        send({ type: "hello", phone: `139${String(10_000_000 + i).slice(-8)}` });
        await customer.next((f) => f.type === "welcome");
        let t = performance.now();
        send({ type: "message", text: "餐没到怎么办" });
        await customer.next((f) => f.type === "message" && f.from === "bot");
        botMs.push(performance.now() - t);
        t = performance.now();
        send({ type: "message", text: "转人工" });
        await customer.next((f) => f.type === "agent_joined");
        waitMs.push(performance.now() - t);
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    done = true;
    wakeAll();
    console.log(
      `chat: ${CHATS} concurrent chats, ${AGENTS.length} agents, ${database.kind}, ${fmt(seconds)} s in all`,
    );
    console.log(
      `BENCH chat.${database.kind} chats=${CHATS} agents=${AGENTS.length} handover_p50_ms=${fmt(ranked(handoverMs, 50))} ` +
        `handover_p99_ms=${fmt(ranked(handoverMs, 99))} customer_wait_p50_ms=${fmt(ranked(waitMs, 50))} ` +
        `customer_wait_p99_ms=${fmt(ranked(waitMs, 99))} bot_p50_ms=${fmt(ranked(botMs, 50))} ` +
        `bot_p99_ms=${fmt(ranked(botMs, 99))}`,
    );
  } finally {
    for (const s of sockets) s.terminate();
    await app.http.close();
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
