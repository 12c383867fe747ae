import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { type PaymentConfig, paymentConfig } from "../../config.ts";
import type { AppContext } from "../../platform/context.ts";
import { DEFAULT_RETRY, type EntryKind, type ProviderResult, type RetryPolicy } from "./ledger.domain.ts";

/**
 * Payment adapters: what actually moves the money. Every request carries the entry's idempotency key
 * (WeChat Pay's out_refund_no, Alipay's out_request_no); a provider must answer a repeated key with the
 * first result instead of paying again, and both adapters here rely on it.
 */
export interface PayoutRequest {
  idempotencyKey: string;
  kind: EntryKind;
  amountFen: number;
  orderNo: string;
  ticketNo: string;
  remedyId: string;
}

export interface PaymentAdapter {
  readonly name: string;
  pay(request: PayoutRequest): Promise<ProviderResult>;
}

/**
 * The built-in provider for demos and tests: a configurable latency and failure rate, and optionally a
 * rate of answers lost after paying (to prove that a retry under the same key does not pay twice).
 * It keeps every payout it made, by key, so a test can count real payments.
 */
export class PaymentSimulator implements PaymentAdapter {
  readonly name = "simulator";
  readonly payouts = new Map<string, { reference: string; amountFen: number; kind: EntryKind }>();
  calls = 0;
  readonly callsByKey = new Map<string, number>();

  constructor(
    public latencyMs = 0,
    public failureRate = 0,
    public lostAnswerRate = 0,
    private readonly random: () => number = Math.random,
  ) {}

  async pay(request: PayoutRequest): Promise<ProviderResult> {
    this.calls++;
    this.callsByKey.set(request.idempotencyKey, (this.callsByKey.get(request.idempotencyKey) ?? 0) + 1);
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    const earlier = this.payouts.get(request.idempotencyKey);
    if (earlier) return { outcome: "succeeded", reference: earlier.reference };
    if (this.random() < this.failureRate)
      return { outcome: "failed", retryable: true, error: "simulated provider failure" };
    const reference = `SIM${randomBytes(8).toString("hex").toUpperCase()}`;
    this.payouts.set(request.idempotencyKey, { reference, amountFen: request.amountFen, kind: request.kind });
    if (this.random() < this.lostAnswerRate) throw new Error("simulated lost answer (the payout was made)");
    return { outcome: "succeeded", reference };
  }
}

const SIGNATURE_TOLERANCE_SECONDS = 300;

/** `sha256=<hex>` of `<timestamp>.<body>` under the shared secret, both ways. */
export function signBody(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

export function verifySignature(
  secret: string,
  timestamp: string | undefined,
  body: string,
  signature: string | undefined,
  now: Date,
): boolean {
  if (!timestamp || !signature || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > SIGNATURE_TOLERANCE_SECONDS) return false;
  const expected = Buffer.from(signBody(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/**
 * The operator's payment service behind a signed HTTP webhook: POST JSON with headers `Idempotency-Key`,
 * `X-Aftersale-Timestamp` and `X-Aftersale-Signature`; it answers `{"status":"succeeded"|"pending"|"failed",
 * "reference","error"?,"retryable"?}`. A 5xx, 429 or timeout is retried; another 4xx is final.
 */
export class WebhookPaymentAdapter implements PaymentAdapter {
  readonly name = "webhook";

  constructor(
    private readonly url: string,
    private readonly secret: string,
    private readonly timeoutMs: number,
    private readonly now: () => Date,
  ) {}

  async pay(request: PayoutRequest): Promise<ProviderResult> {
    const body = JSON.stringify({ ...request, currency: "CNY" });
    const timestamp = String(Math.floor(this.now().getTime() / 1000));
    const response = await fetch(this.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "idempotency-key": request.idempotencyKey,
        "x-aftersale-timestamp": timestamp,
        "x-aftersale-signature": signBody(this.secret, timestamp, body),
      },
      body,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await response.text();
    if (response.status >= 500 || response.status === 429)
      return { outcome: "failed", retryable: true, error: `HTTP ${response.status} ${text.slice(0, 200)}` };
    if (response.status >= 400)
      return { outcome: "failed", retryable: false, error: `HTTP ${response.status} ${text.slice(0, 200)}` };
    return parseProviderAnswer(text);
  }
}

/** The provider's JSON answer (to a request or in a callback) as a result. */
export function parseProviderAnswer(text: string): ProviderResult {
  let answer: { status?: unknown; reference?: unknown; error?: unknown; retryable?: unknown };
  try {
    answer = JSON.parse(text);
  } catch {
    return { outcome: "failed", retryable: true, error: `unreadable answer: ${text.slice(0, 200)}` };
  }
  const reference = typeof answer.reference === "string" ? answer.reference : "";
  if (answer.status === "succeeded" && reference) return { outcome: "succeeded", reference };
  if (answer.status === "pending" && reference) return { outcome: "accepted", reference };
  if (answer.status === "failed")
    return {
      outcome: "failed",
      retryable: answer.retryable === true,
      error: String(answer.error ?? "failed"),
    };
  return { outcome: "failed", retryable: true, error: `unexpected answer: ${text.slice(0, 200)}` };
}

export interface PaymentSettings extends Omit<PaymentConfig, "maxAttempts" | "retryBaseSeconds"> {
  retry: RetryPolicy;
  batch: number;
  everySeconds: number;
}

/** The process's payment configuration (read in src/config.ts) with the ledger's retry policy. */
export function settingsOf(config: PaymentConfig): PaymentSettings {
  const { maxAttempts, retryBaseSeconds, ...rest } = config;
  return {
    ...rest,
    retry: {
      ...DEFAULT_RETRY,
      maxAttempts: maxAttempts || DEFAULT_RETRY.maxAttempts,
      baseDelayMs: retryBaseSeconds === undefined ? DEFAULT_RETRY.baseDelayMs : retryBaseSeconds * 1000,
    },
    batch: 20,
    everySeconds: 2,
  };
}

/** The settings an environment would give (for tests of the variables). */
export const paymentSettings = (env: NodeJS.ProcessEnv): PaymentSettings => settingsOf(paymentConfig(env));

export interface Payments {
  settings: PaymentSettings;
  /** Replaceable: tests swap or tune the simulator here. */
  adapter: PaymentAdapter;
}

const registry = new WeakMap<AppContext, Payments>();

/** This app's payment settings and adapter, made from its configuration on first use. */
export function paymentsOf(ctx: AppContext): Payments {
  let payments = registry.get(ctx);
  if (!payments) {
    const settings = settingsOf(ctx.config.payments);
    const adapter =
      settings.webhook !== null
        ? new WebhookPaymentAdapter(
            settings.webhook.url,
            settings.webhook.secret,
            settings.webhook.timeoutMs,
            () => ctx.clock.now(),
          )
        : new PaymentSimulator(settings.simulator.latencyMs, settings.simulator.failureRate);
    payments = { settings, adapter };
    registry.set(ctx, payments);
  }
  return payments;
}
