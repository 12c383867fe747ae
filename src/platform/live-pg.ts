import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import pg from "pg";
import type { Db } from "../db/database.ts";
import {
  type LiveBus,
  type LiveChannel,
  type LiveRelay,
  MAX_CHANNEL_MESSAGE_BYTES,
  type TicketChanged,
} from "./live.ts";

/**
 * The live bus across processes on one PostgreSQL: changes go out with NOTIFY and come in on a
 * dedicated LISTEN connection, which reconnects by itself when the database goes away. Live updates are
 * hints for screens to re-read, so a change published while the connection is down is not replayed;
 * the console re-reads its queue whenever its stream reconnects.
 *
 * Other modules add channels of their own on the same connection (live chat's frames). Everything this
 * process sends leaves one NOTIFY at a time, each after the previous one committed, so another process
 * receives a channel's messages in the order they were sent: a chat's lines arrive in order.
 */
export const LIVE_CHANNEL = "aftersale_ticket_changed";

// NOTIFY payloads must stay under 8000 bytes; a batch is cut well before that.
const MAX_PAYLOAD = 7000;
// Ticket changes are hints for other processes' screens to re-read, so they wait this long to travel
// together: under a stream of intakes, a few NOTIFYs a second instead of one per insert batch (each is a
// statement, and wakes every listening process). Chat frames go on the next turn of the event loop.
export const TICKET_GATHER_MS = 25;
const MAX_RETRY_MS = 10_000;

interface Envelope {
  /** The sending process: it delivered its own messages already. */
  from: string;
  /** Named for the ticket channel, the first; on any channel, its messages in order. */
  changes: unknown[];
}

export class PgLiveRelay implements LiveRelay {
  private readonly origin = randomUUID();
  private readonly receivers = new Map<string, (message: unknown) => void>();
  private readonly pending = new Map<string, unknown[]>();
  private flushTimer: NodeJS.Timeout | null = null;
  private flushAt = 0;
  private sending = false;
  private listener: pg.Client | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly connectionString: string,
    private readonly db: Db,
    bus: LiveBus,
    private readonly warn: (line: string) => void,
  ) {
    this.receivers.set(LIVE_CHANNEL, (change) => bus.deliver(change as TicketChanged));
  }

  /** Resolves once listening, or after the first failed attempt (later attempts go on in the background). */
  async start(): Promise<void> {
    await this.connect(1000);
  }

  send(change: TicketChanged): void {
    this.enqueue(LIVE_CHANNEL, change);
  }

  channel(name: string, receive: (message: unknown) => void): LiveChannel {
    if (!/^[a-z_]{1,60}$/.test(name) || this.receivers.has(name))
      throw new Error(`live channel name "${name}" is invalid or taken`);
    this.receivers.set(name, receive);
    const client = this.listener;
    if (client)
      client.query(`listen ${name}`).catch((error: Error) => {
        this.warn(`live: cannot LISTEN on ${name} (${error.message}); reconnecting`);
        client.end().catch(() => {});
      });
    return {
      send: (message) => {
        if (Buffer.byteLength(JSON.stringify(message)) > MAX_CHANNEL_MESSAGE_BYTES)
          return this.warn(`live: a message on ${name} is too long for NOTIFY; not sent`);
        this.enqueue(name, message);
      },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    const client = this.listener;
    this.listener = null;
    await client?.end().catch(() => {});
  }

  private enqueue(channel: string, message: unknown): void {
    const queue = this.pending.get(channel);
    if (queue) queue.push(message);
    else this.pending.set(channel, [message]);
    if (!this.sending) this.flushIn(channel === LIVE_CHANNEL ? TICKET_GATHER_MS : 0);
  }

  /** Drains within `ms` (sooner if a drain is already due sooner); 0: after this turn of the event loop. */
  private flushIn(ms: number): void {
    const at = performance.now() + ms;
    if (this.flushTimer && this.flushAt <= at) return;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushAt = at;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      void this.drain();
    }, ms);
  }

  /**
   * One NOTIFY at a time: what piles up meanwhile goes out as the next batch, still in order; if only
   * ticket changes piled up, they gather again first.
   */
  private async drain(): Promise<void> {
    if (this.sending || this.closed) return;
    this.sending = true;
    try {
      while (this.pending.size) {
        const batches = [...this.pending];
        this.pending.clear();
        for (const [channel, messages] of batches)
          for (const payload of envelopes(this.origin, messages))
            await sql`select pg_notify(${channel}, ${payload})`
              .execute(this.db)
              .catch((error: Error) => this.warn(`live: could not tell other processes (${error.message})`));
        if (this.pending.size === 1 && this.pending.has(LIVE_CHANNEL)) break;
      }
    } finally {
      this.sending = false;
    }
    if (this.pending.size)
      this.flushIn(this.pending.size === 1 && this.pending.has(LIVE_CHANNEL) ? TICKET_GATHER_MS : 0);
  }

  private async connect(retryMs: number): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ connectionString: this.connectionString, keepAlive: true });
    const lost = (error?: Error) => {
      if (this.listener !== client) return;
      this.listener = null;
      client.end().catch(() => {});
      this.warn(`live: lost the LISTEN connection${error ? ` (${error.message})` : ""}; reconnecting`);
      this.reconnectAfter(1000);
    };
    client.on("error", lost);
    client.on("end", () => lost());
    client.on("notification", (message) => {
      const receive = this.receivers.get(message.channel);
      if (!receive || !message.payload) return;
      const envelope = parse(message.payload);
      if (!envelope || envelope.from === this.origin) return;
      for (const item of envelope.changes) receive(item);
    });
    try {
      await client.connect();
      await client.query([...this.receivers.keys()].map((name) => `listen ${name};`).join(" "));
      if (this.closed) {
        await client.end().catch(() => {});
        return;
      }
      this.listener = client;
    } catch (error) {
      client.end().catch(() => {});
      this.warn(`live: cannot LISTEN (${(error as Error).message}); retrying`);
      this.reconnectAfter(Math.min(retryMs * 2, MAX_RETRY_MS));
    }
  }

  private reconnectAfter(ms: number): void {
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect(ms);
    }, ms);
    this.retryTimer.unref();
  }
}

function envelopes(from: string, messages: unknown[]): string[] {
  const out: string[] = [];
  let batch: unknown[] = [];
  let size = 0;
  for (const message of messages) {
    const length = Buffer.byteLength(JSON.stringify(message)) + 1;
    if (batch.length && size + length > MAX_PAYLOAD) {
      out.push(JSON.stringify({ from, changes: batch } satisfies Envelope));
      batch = [];
      size = 0;
    }
    batch.push(message);
    size += length;
  }
  if (batch.length) out.push(JSON.stringify({ from, changes: batch } satisfies Envelope));
  return out;
}

function parse(payload: string): Envelope | null {
  try {
    const value = JSON.parse(payload) as Envelope;
    return typeof value.from === "string" && Array.isArray(value.changes) ? value : null;
  } catch {
    return null;
  }
}

/** On PostgreSQL, joins this process's live bus to the other processes'; PGlite keeps it in-process. */
export async function shareLiveBus(
  bus: LiveBus,
  database: { kind: "pglite" | "postgres"; db: Db },
  connectionString: string | undefined,
  warn: (line: string) => void,
): Promise<void> {
  if (database.kind !== "postgres" || !connectionString) return;
  const relay = new PgLiveRelay(connectionString, database.db, bus, warn);
  await relay.start();
  bus.relayThrough(relay);
}
