import { EventEmitter } from "node:events";

/**
 * Tells whoever listens that a ticket changed, after the change committed: the console's queue and the
 * customer's progress page refresh from it. Only ids travel here, never the personal data; listeners
 * re-read what their viewer may see.
 *
 * Within one process the bus is an emitter. Several processes on one PostgreSQL share their changes
 * through a relay (src/platform/live-pg.ts): a change is delivered here at once, so this process's
 * consoles never wait on the database, and sent to the others, whose relays `deliver` it to theirs.
 */
export interface TicketChanged {
  ticketNo: string;
  type: string;
  merchantId: string;
  riderId: string | null;
}

/** Carries this process's changes to the other processes. */
export interface LiveRelay {
  send(change: TicketChanged): void;
  close(): Promise<void>;
}

export class LiveBus {
  private readonly emitter = new EventEmitter();
  private relay: LiveRelay | null = null;

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  publish(change: TicketChanged): void {
    this.deliver(change);
    this.relay?.send(change);
  }

  /** A change to tell this process's listeners only: one another process published. */
  deliver(change: TicketChanged): void {
    this.emitter.emit("ticket", change);
  }

  subscribe(listener: (change: TicketChanged) => void): () => void {
    this.emitter.on("ticket", listener);
    return () => this.emitter.off("ticket", listener);
  }

  relayThrough(relay: LiveRelay): void {
    this.relay = relay;
  }

  async close(): Promise<void> {
    const relay = this.relay;
    this.relay = null;
    await relay?.close();
  }
}
