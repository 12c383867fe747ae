/**
 * The raw limit of intake: the statements one `POST /api/v1/tickets` executes, through the same store
 * functions and the same Kysely dialect as the route, at a fixed concurrency, without HTTP, JSON schema,
 * auth, hooks or the validation and triage CPU (the draft is decided once per kind of request and reused).
 *   1. findIntakeFacts  select … from orders, with the phone's recent ticket count and blacklist listing
 *   2. insertTicket     with k as (…nextval…), t as (insert tickets), e as (insert ticket_events),
 *                       c as (insert sla_clocks), a as (update attachments) select ticket_no from t
 * With BENCH_IDEMPOTENCY=1 both also look the Idempotency-Key up first (findIdempotencyKey).
 * The route's API-key lookup is cached (ApiKeyCache), so it adds no round trip in the steady state.
 */
import { performance } from "node:perf_hooks";
import type { Db } from "../../src/db/database.ts";
import { receivedFacts } from "../../src/modules/intake/intake.commands.ts";
import {
  complaintWindowStarts,
  decideIntake,
  type TicketDraft,
} from "../../src/modules/intake/intake.domain.ts";
import { findIntakeFacts } from "../../src/modules/intake/intake.store.ts";
import { type Actor, findIdempotencyKey, insertTicket } from "../../src/modules/tickets/tickets.store.ts";
import { canonicalJson, sha256 } from "../../src/platform/ids.ts";
import type { Packs } from "../../src/policy-packs/load.ts";
import { intakeBodyOf } from "./intake-fixture.ts";

export interface RawResult {
  done: number;
  seconds: number;
  /** Per-intake latencies in ms, ascending. */
  latenciesMs: number[];
  /** True when the seeded orders ran out before the time did (the figure is then a lower bound). */
  exhausted: boolean;
}

export async function runRawIntake(
  db: Db,
  packs: Packs,
  opts: {
    from: number;
    end: number;
    concurrency: number;
    seconds: number;
    actor: Actor;
    /** As the route with an Idempotency-Key "bench-<i>": look the key up first, store it with the ticket. */
    idempotency?: boolean;
  },
): Promise<RawResult> {
  const drafts = new Map<string, TicketDraft>();
  let next = opts.from;
  let done = 0;
  let exhausted = false;
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + opts.seconds * 1000;

  const one = async (i: number) => {
    const body = intakeBodyOf(i);
    const phone = body.phone as string;
    const now = new Date();
    const idempotency = opts.idempotency
      ? { key: `${opts.actor.id}:bench-${i}`, requestHash: sha256(canonicalJson(body)) }
      : null;
    if (idempotency && (await findIdempotencyKey(db, idempotency.key)))
      throw new Error(`raw: key ${idempotency.key} already used`);
    const found = await findIntakeFacts(db, body.orderNo as string, phone, complaintWindowStarts(packs, now));
    const order = found?.order;
    if (!order || order.customerPhone !== phone) throw new Error(`raw: order ${body.orderNo} not seeded`);
    const previousComplaints = found.previousComplaints;
    const kind = `${order.businessLine}|${body.description}|${body.expectedResolution}|${body.urgent}|${body.name}`;
    let template = drafts.get(kind);
    if (!template) {
      const decision = decideIntake(body, { order, previousComplaints, attachments: [] }, packs, now);
      if (!decision.ok) throw new Error(`raw: intake refused: ${JSON.stringify(decision.details)}`);
      template = decision.draft;
      drafts.set(kind, template);
    }
    const d: TicketDraft = {
      ...template,
      customerPhone: phone,
      orderNo: order.orderNo,
      merchantId: order.merchantId,
      riderId: order.riderId,
      region: order.region,
      receivedAt: now,
    };
    const ticketNo = await insertTicket(db, {
      draft: d,
      actor: opts.actor,
      idempotency,
      eventData: receivedFacts(d, previousComplaints),
    });
    if (!ticketNo) throw new Error("raw: insertTicket returned no ticket");
  };

  const worker = async () => {
    while (performance.now() < deadline) {
      if (next >= opts.end) {
        exhausted = true;
        return;
      }
      const i = next++;
      const t0 = performance.now();
      await one(i);
      latencies.push(performance.now() - t0);
      done++;
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  return { done, seconds, latenciesMs: latencies.sort((a, b) => a - b), exhausted };
}
