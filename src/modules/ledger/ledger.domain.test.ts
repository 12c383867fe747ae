import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  backoffMs,
  cancelPayment,
  claim,
  DEFAULT_RETRY,
  type EntryKind,
  isCancellable,
  isClaimable,
  newPayment,
  type OrderAccount,
  type PaymentState,
  type ProviderResult,
  releaseHeld,
  reservationOf,
  reserve,
  retryFailed,
  settle,
} from "./ledger.domain.ts";

const T0 = new Date("2026-11-25T04:00:00Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

describe("one payout's life", () => {
  it("is claimed, paid once, and never claimed again", () => {
    let e = newPayment(false, T0);
    expect(isClaimable(e, T0)).toBe(true);
    e = claim(e, T0);
    expect(e).toMatchObject({ status: "processing", attempts: 1 });
    expect(isClaimable(e, at(1))).toBe(false);
    const { state, effect } = settle(e, 1, { outcome: "succeeded", reference: "R1" }, at(1));
    expect(effect).toBe("paid");
    expect(state).toMatchObject({ status: "succeeded", providerRef: "R1" });
    expect(isClaimable(state, at(999_999))).toBe(false);
    expect(settle(state, 1, { outcome: "succeeded", reference: "R1" }, at(2)).effect).toBe("ignored");
  });

  it("backs off exponentially after a retryable failure, and gives up after the last attempt", () => {
    let e = newPayment(false, T0);
    let now = T0;
    for (let attempt = 1; attempt <= DEFAULT_RETRY.maxAttempts; attempt++) {
      e = claim(e, now);
      const { state, effect } = settle(
        e,
        attempt,
        { outcome: "failed", retryable: true, error: "down" },
        now,
      );
      e = state;
      if (attempt < DEFAULT_RETRY.maxAttempts) {
        expect(effect).toBe("retry");
        expect(e.nextAttemptAt!.getTime() - now.getTime()).toBe(backoffMs(attempt));
        expect(isClaimable(e, now)).toBe(false);
        now = e.nextAttemptAt!;
      } else expect(effect).toBe("gave_up");
    }
    expect(e).toMatchObject({ status: "failed", attempts: DEFAULT_RETRY.maxAttempts });
    expect(backoffMs(1)).toBe(30_000);
    expect(backoffMs(20)).toBe(DEFAULT_RETRY.maxDelayMs);
    const again = retryFailed(e, now);
    expect(again).toMatchObject({ status: "pending", maxAttempts: DEFAULT_RETRY.maxAttempts * 2 });
  });

  it("gives up at once on a final refusal", () => {
    const e = claim(newPayment(false, T0), T0);
    expect(settle(e, 1, { outcome: "failed", retryable: false, error: "account closed" }, T0).effect).toBe(
      "gave_up",
    );
  });

  it("asks again after a lease runs out, and takes a late success from any attempt", () => {
    const first = claim(newPayment(false, T0), T0);
    const second = claim(first, at(DEFAULT_RETRY.leaseMs / 1000));
    expect(second.attempts).toBe(2);
    expect(settle(second, 1, { outcome: "failed", retryable: true, error: "late" }, at(200)).effect).toBe(
      "ignored",
    );
    expect(settle(second, 1, { outcome: "succeeded", reference: "R" }, at(200)).effect).toBe("paid");
  });

  it("holds a payout until its condition is met, and cancels only what was never sent", () => {
    const held = newPayment(true, T0);
    expect(isClaimable(held, at(999))).toBe(false);
    expect(isCancellable(held)).toBe(true);
    const pending = releaseHeld(held, at(5));
    expect(isClaimable(pending, at(5))).toBe(true);
    const tried = claim(pending, at(5));
    const failed = settle(tried, 1, { outcome: "failed", retryable: false, error: "x" }, at(6)).state;
    expect(isCancellable(failed)).toBe(false);
    expect(() => cancelPayment(failed)).toThrow();
  });

  it("refuses a reservation that would refund more than was paid, or compensate above the cap", () => {
    const account: OrderAccount = {
      paidFen: 5000,
      refundedFen: 3000,
      compensatedFen: 0,
      compensationCapFen: 0,
    };
    expect(reserve(account, { refundFen: 2001, compensationFen: 0, capFen: 0 })).toEqual({
      problem: "REFUND_EXCEEDS_PAID",
    });
    expect(reserve(account, { refundFen: 0, compensationFen: 100, capFen: 99 })).toEqual({
      problem: "COMPENSATION_ABOVE_CAP",
    });
    expect(reserve(account, { refundFen: 2000, compensationFen: 100, capFen: 100 })).toEqual({
      account: { paidFen: 5000, refundedFen: 5000, compensatedFen: 100, compensationCapFen: 100 },
    });
  });
});

/**
 * A model of one order's ledger driven by any sequence of proposals, approvals, claims, provider answers
 * (paid, failed, refused, answer lost after paying, accepted for later), callbacks, crashes, lease
 * expiries, finance retries and cancellations. The provider honours idempotency keys, as real ones do.
 */
type Op =
  | { op: "approve"; refund: number; compensation: number; cap: number; held: boolean }
  | { op: "release"; i: number }
  | { op: "cancel"; i: number }
  | { op: "claim" }
  | { op: "answer"; j: number; how: "pay" | "fail" | "refuse" | "lose" | "accept" }
  | { op: "crash"; j: number }
  | { op: "callback"; i: number }
  | { op: "retry"; i: number }
  | { op: "tick"; seconds: number };

interface Entry {
  key: string;
  kind: EntryKind;
  amount: number;
  state: PaymentState;
  paidEffects: number;
}

class LedgerModel {
  now = T0;
  account: OrderAccount;
  entries: Entry[] = [];
  inFlight: { key: string; attempt: number }[] = [];
  provider = new Map<string, { reference: string; kind: EntryKind; amount: number }>();
  requestsAfterSuccess = 0;
  private remedies = 0;

  constructor(paidFen: number) {
    this.account = { paidFen, refundedFen: 0, compensatedFen: 0, compensationCapFen: 0 };
  }

  private entry(i: number): Entry | undefined {
    return this.entries.length ? this.entries[i % this.entries.length] : undefined;
  }

  private settleEntry(e: Entry, attempt: number, result: ProviderResult) {
    const { state, effect } = settle(e.state, attempt, result, this.now);
    e.state = state;
    if (effect === "paid") e.paidEffects++;
  }

  /** What the provider does with a request under a key: the first answer again for a key it paid. */
  private call(key: string, how: "pay" | "fail" | "refuse" | "lose" | "accept"): ProviderResult {
    const e = this.entries.find((x) => x.key === key)!;
    const earlier = this.provider.get(key);
    if (earlier) return { outcome: "succeeded", reference: earlier.reference };
    if (how === "fail") return { outcome: "failed", retryable: true, error: "down" };
    if (how === "refuse") return { outcome: "failed", retryable: false, error: "refused" };
    const reference = `REF-${key}`;
    this.provider.set(key, { reference, kind: e.kind, amount: e.amount });
    if (how === "lose") return { outcome: "failed", retryable: true, error: "timeout" };
    if (how === "accept") return { outcome: "accepted", reference };
    return { outcome: "succeeded", reference };
  }

  run(o: Op): void {
    switch (o.op) {
      case "approve": {
        const r = reserve(this.account, {
          refundFen: o.refund,
          compensationFen: o.compensation,
          capFen: o.cap,
        });
        if ("problem" in r) return;
        this.account = r.account;
        const n = ++this.remedies;
        const add = (kind: EntryKind, amount: number, index: number) => {
          if (amount > 0)
            this.entries.push({
              key: `R${n}-P${index}`,
              kind,
              amount,
              state: newPayment(o.held, this.now),
              paidEffects: 0,
            });
        };
        add("refund", o.refund, 0);
        add("compensation", o.compensation, 1);
        return;
      }
      case "release": {
        const e = this.entry(o.i);
        if (e) e.state = releaseHeld(e.state, this.now);
        return;
      }
      case "cancel": {
        const e = this.entry(o.i);
        if (!e || !isCancellable(e.state)) return;
        e.state = cancelPayment(e.state);
        const back = reservationOf(e.kind, e.amount);
        this.account = {
          ...this.account,
          refundedFen: this.account.refundedFen - back.refundFen,
          compensatedFen: this.account.compensatedFen - back.compensationFen,
        };
        return;
      }
      case "claim":
        for (const e of this.entries)
          if (isClaimable(e.state, this.now)) {
            // A request is sent when claimed: never for a payout the ledger already knows as paid.
            if (e.state.status === "succeeded") this.requestsAfterSuccess++;
            e.state = claim(e.state, this.now);
            this.inFlight.push({ key: e.key, attempt: e.state.attempts });
          }
        return;
      case "answer": {
        if (!this.inFlight.length) return;
        const [call] = this.inFlight.splice(o.j % this.inFlight.length, 1);
        const e = this.entries.find((x) => x.key === call!.key)!;
        this.settleEntry(e, call!.attempt, this.call(e.key, o.how));
        return;
      }
      case "crash":
        if (this.inFlight.length) this.inFlight.splice(o.j % this.inFlight.length, 1);
        return;
      case "callback": {
        const e = this.entry(o.i);
        const paid = e && this.provider.get(e.key);
        if (e && paid)
          this.settleEntry(e, e.state.attempts, { outcome: "succeeded", reference: paid.reference });
        return;
      }
      case "retry": {
        const e = this.entry(o.i);
        if (e?.state.status === "failed") e.state = retryFailed(e.state, this.now);
        return;
      }
      case "tick":
        this.now = new Date(this.now.getTime() + o.seconds * 1000);
        return;
    }
  }

  /** The provider comes back for good: release, claim, answer, retry and wait until nothing moves. */
  drain(): void {
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < this.entries.length; i++) this.run({ op: "release", i });
      this.run({ op: "claim" });
      while (this.inFlight.length) this.run({ op: "answer", j: 0, how: "pay" });
      for (let i = 0; i < this.entries.length; i++) this.run({ op: "retry", i });
      this.run({ op: "tick", seconds: 3600 });
    }
  }

  checkInvariants(): void {
    const moved = (kind: EntryKind) =>
      [...this.provider.values()].filter((p) => p.kind === kind).reduce((s, p) => s + p.amount, 0);
    expect(this.account.refundedFen).toBeLessThanOrEqual(this.account.paidFen);
    expect(this.account.compensatedFen).toBeLessThanOrEqual(this.account.compensationCapFen);
    expect(moved("refund")).toBeLessThanOrEqual(this.account.paidFen);
    expect(moved("compensation")).toBeLessThanOrEqual(this.account.compensationCapFen);
    expect(this.requestsAfterSuccess).toBe(0);
    for (const e of this.entries) {
      expect(e.paidEffects).toBeLessThanOrEqual(1);
      if (e.state.status === "succeeded")
        expect(this.provider.get(e.key)?.reference).toBe(e.state.providerRef);
      if (e.state.status === "cancelled") expect(this.provider.has(e.key)).toBe(false);
    }
    const reserved = (kind: EntryKind) =>
      this.entries
        .filter((e) => e.kind === kind && e.state.status !== "cancelled")
        .reduce((s, e) => s + e.amount, 0);
    expect(this.account.refundedFen).toBe(reserved("refund"));
    expect(this.account.compensatedFen).toBe(reserved("compensation"));
  }
}

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    op: fc.constant("approve" as const),
    refund: fc.integer({ min: 0, max: 6000 }),
    compensation: fc.integer({ min: 0, max: 20000 }),
    cap: fc.integer({ min: 0, max: 30000 }),
    held: fc.boolean(),
  }),
  fc.record({ op: fc.constant("release" as const), i: fc.nat() }),
  fc.record({ op: fc.constant("cancel" as const), i: fc.nat() }),
  fc.constant({ op: "claim" as const }),
  fc.record({
    op: fc.constant("answer" as const),
    j: fc.nat(),
    how: fc.constantFrom(
      "pay" as const,
      "fail" as const,
      "refuse" as const,
      "lose" as const,
      "accept" as const,
    ),
  }),
  fc.record({ op: fc.constant("crash" as const), j: fc.nat() }),
  fc.record({ op: fc.constant("callback" as const), i: fc.nat() }),
  fc.record({ op: fc.constant("retry" as const), i: fc.nat() }),
  fc.record({ op: fc.constant("tick" as const), seconds: fc.integer({ min: 1, max: 7200 }) }),
);

describe("the ledger under any sequence of events (property)", () => {
  it("never refunds more than was paid and never pays one remedy item twice", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10000 }), fc.array(opArb, { maxLength: 80 }), (paid, ops) => {
        const model = new LedgerModel(paid);
        for (const o of ops) {
          model.run(o);
          model.checkInvariants();
        }
      }),
      { numRuns: 400 },
    );
  });

  it("ends with exactly one success per payout that was not cancelled, once the provider recovers", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10000 }), fc.array(opArb, { maxLength: 80 }), (paid, ops) => {
        const model = new LedgerModel(paid);
        for (const o of ops) model.run(o);
        model.drain();
        model.checkInvariants();
        const live = model.entries.filter((e) => e.state.status !== "cancelled");
        for (const e of live) {
          expect(e.state.status).toBe("succeeded");
          expect(e.paidEffects).toBe(1);
        }
        expect([...model.provider.keys()].sort()).toEqual(live.map((e) => e.key).sort());
      }),
      { numRuns: 300 },
    );
  });
});
