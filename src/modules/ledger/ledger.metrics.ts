import { Gauge, type Registry } from "prom-client";
import type { AppContext } from "../../platform/context.ts";
import { paidByKind, payoutsByStatus } from "./ledger.store.ts";
import { paymentsOf } from "./payments.ts";

/**
 * The money on /metrics, read from the ledger when scraped, so every process reports the same figures:
 * payouts by status (a growing `failed` is finance's work queue; `pending` is what the adapter has yet
 * to pay) and the amount paid out, in fen, by kind. The adapter in use is a label of its own.
 */
export function registerPaymentMetrics(registry: Registry, ctx: AppContext): void {
  new Gauge({
    name: "aftersale_payouts",
    help: "Ledger payouts (refunds, compensation, coupons) by status: held, pending, processing, succeeded, failed, cancelled",
    labelNames: ["status"],
    registers: [registry],
    async collect() {
      this.reset();
      for (const status of ["pending", "succeeded", "failed"]) this.set({ status }, 0);
      try {
        for (const row of await payoutsByStatus(ctx.db)) this.set({ status: row.status }, row.n);
      } catch {
        // The database is away: the scrape still answers with what the process knows.
      }
    },
  });
  new Gauge({
    name: "aftersale_payouts_paid_fen",
    help: "Amount paid out successfully, in fen (1/100 yuan), by kind",
    labelNames: ["kind"],
    registers: [registry],
    async collect() {
      this.reset();
      try {
        for (const row of await paidByKind(ctx.db)) this.set({ kind: row.kind }, row.fen);
      } catch {
        // As above.
      }
    },
  });
  new Gauge({
    name: "aftersale_payment_adapter_info",
    help: "The payment adapter this process pays through (simulator or webhook)",
    labelNames: ["adapter"],
    registers: [registry],
    collect() {
      this.reset();
      this.set({ adapter: paymentsOf(ctx).adapter.name }, 1);
    },
  });
}
