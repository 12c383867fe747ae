import { randomUUID } from "node:crypto";
import type { FastifyBaseLogger } from "fastify";
import type { AppContext } from "../../platform/context.ts";
import { MAX_CHANNEL_MESSAGE_BYTES } from "../../platform/live.ts";
import { lineOut } from "./chat.customer.ts";
import type { ChatHub, ChatSignal } from "./chat.hub.ts";
import { messageBody, transcriptOf } from "./chat.store.ts";

/**
 * Live chat across app processes on one PostgreSQL: the hub's signals travel on a channel of the live
 * bus (NOTIFY), and every process delivers them to the sockets it holds. A NOTIFY carries at most 8000
 * bytes, so a signal too long for it (a hand-over with a long transcript, a line of odd characters) goes
 * without its text and the receiving process reads that text from the database, where it was stored
 * before anyone was told. Signals are delivered in the order they were sent. As with ticket changes, a
 * signal sent while a process's LISTEN connection is down is not replayed to it: the line is stored, an
 * agent's workspace reads it when it reconnects, and the widget does not (a gap the README names).
 */
export const CHAT_CHANNEL = "aftersale_chat";

type Travelling = ChatSignal & { reread?: "transcript" | "text" };

/**
 * Which agents the other processes hold, for the customer's "agents online": each process says so on
 * every change, every 10 s, and when it hears a process it did not know; one not heard of for 25 s is
 * forgotten (it stopped or lost its database connection).
 */
const PRESENCE_EVERY_MS = 10_000;
const PRESENCE_FORGOTTEN_AFTER_MS = 25_000;
/** More agents than fit a NOTIFY travel as a number; an agent with tabs on two such processes counts twice. */
const PRESENCE_MAX_IDS = 100;

interface Presence {
  presence: string;
  agents: string[];
  count: number;
}

/** Joins the hub to the other processes' hubs; returns how to stop (on app close), or null with one process. */
export function shareChatHub(hub: ChatHub, ctx: AppContext, log: FastifyBaseLogger): (() => void) | null {
  const me = randomUUID();
  const elsewhere = new Map<string, Presence & { until: number }>();
  let received: Promise<void> = Promise.resolve();
  const channel = ctx.live.channel(CHAT_CHANNEL, (message) => {
    if (isPresence(message)) return heard(message);
    const signal = asSignal(message);
    if (!signal) return;
    // One after another: a re-read must not let a later line overtake an earlier one.
    received = received
      .then(async () => {
        hub.deliver(await restored(ctx, signal));
      })
      .catch((error: unknown) => log.warn({ err: error }, "chat: a signal from another process was lost"));
  });
  if (!channel) return null;
  const announce = () => {
    const agents = hub.agentIds();
    channel.send({
      presence: me,
      agents: agents.length <= PRESENCE_MAX_IDS ? agents : [],
      count: agents.length,
    } satisfies Presence);
  };
  const heard = (p: Presence) => {
    if (p.presence === me) return;
    const known = elsewhere.has(p.presence);
    elsewhere.set(p.presence, { ...p, until: Date.now() + PRESENCE_FORGOTTEN_AFTER_MS });
    if (!known) announce();
  };
  hub.relayThrough({
    send: (signal) => channel.send(shortened(signal)),
    agentsChanged: announce,
    agentsElsewhere: () => {
      const now = Date.now();
      const ids: string[] = [];
      let uncounted = 0;
      for (const [process, p] of elsewhere)
        if (p.until < now) elsewhere.delete(process);
        else if (p.agents.length === p.count) ids.push(...p.agents);
        else uncounted += p.count;
      return { ids, uncounted };
    },
  });
  announce();
  const timer = setInterval(announce, PRESENCE_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}

function isPresence(message: unknown): message is Presence {
  const m = message as Partial<Presence> | null;
  return typeof m?.presence === "string" && Array.isArray(m.agents) && typeof m.count === "number";
}

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

function shortened(signal: ChatSignal): Travelling {
  if (bytes(signal) <= MAX_CHANNEL_MESSAGE_BYTES) return signal;
  const { frame } = signal;
  const chat = frame.chat as Record<string, unknown> | undefined;
  if (frame.type === "handover" && chat)
    return { ...signal, frame: { ...frame, chat: { ...chat, transcript: [] } }, reread: "transcript" };
  if (typeof frame.messageId === "string")
    return { ...signal, frame: { ...frame, text: "" }, reread: "text" };
  return signal;
}

async function restored(ctx: AppContext, signal: Travelling): Promise<ChatSignal> {
  const { reread, ...rest } = signal;
  const { frame } = rest;
  if (reread === "transcript") {
    const chat = frame.chat as Record<string, unknown>;
    const transcript = (await transcriptOf(ctx.db, String(chat.chatId))).map(lineOut);
    return { ...rest, frame: { ...frame, chat: { ...chat, transcript } } };
  }
  if (reread === "text")
    return { ...rest, frame: { ...frame, text: await messageBody(ctx.db, String(frame.messageId)) } };
  return rest;
}

/** Only this product's processes NOTIFY on the channel; the check keeps a malformed one from throwing. */
function asSignal(message: unknown): Travelling | null {
  if (!message || typeof message !== "object") return null;
  const m = message as Partial<Travelling> & Record<string, unknown>;
  if (!m.frame || typeof m.frame !== "object") return null;
  if (m.to === "customer" && typeof m.chatId === "string") return m as Travelling;
  if (m.to === "agent" && typeof m.agentId === "string") return m as Travelling;
  if (m.to === "agents") return m as Travelling;
  return null;
}
