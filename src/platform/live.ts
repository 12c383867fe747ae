import { EventEmitter } from "node:events";

/**
 * Tells whoever listens in this process that a ticket changed, after the change committed: the
 * console's queue and the customer's progress page refresh from it. Only ids travel here, never the
 * personal data; listeners re-read what their viewer may see.
 */
export interface TicketChanged {
  ticketNo: string;
  type: string;
  merchantId: string;
  riderId: string | null;
}

export class LiveBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  publish(change: TicketChanged): void {
    this.emitter.emit("ticket", change);
  }

  subscribe(listener: (change: TicketChanged) => void): () => void {
    this.emitter.on("ticket", listener);
    return () => this.emitter.off("ticket", listener);
  }
}
