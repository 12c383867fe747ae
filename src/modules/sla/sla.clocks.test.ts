import { describe, expect, it } from "vitest";
import { loadPacks } from "../../policy-packs/load.ts";
import type { BusinessLine, PolicyPack } from "../../policy-packs/schema.ts";
import { localInstant } from "./calendar.domain.ts";
import {
  advanceClock,
  type Clock,
  escalationEffects,
  initialClocks,
  isBreached,
  pauseClock,
  reconcileClocks,
  remedyDeadline,
  resumeClock,
  slaEnv,
  startClock,
} from "./sla.domain.ts";

const packs = loadPacks();
const pack = (line: BusinessLine): PolicyPack => packs.get(line)!;
const MIN = 60_000;
const at = (local: string) => {
  const [date, time] = local.split(" ");
  return localInstant(date!, time);
};
const local = (d: Date | null) =>
  d ? new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace("T", " ") : null;
const named = (clocks: Clock[], name: string) => clocks.find((c) => c.name === name)!;
const GENERAL = { category: "delivery", severity: "general", urgent: false } as const;

describe("clocks started at intake", () => {
  it("gives a food-delivery request 30 minutes of service time to first response", () => {
    const clocks = initialClocks(pack("food_delivery"), GENERAL, at("2026-03-10 10:00"));
    expect(clocks.map((c) => c.name)).toEqual(["firstResponse", "resolution"]);
    const first = named(clocks, "firstResponse");
    expect(local(first.dueAt)).toBe("2026-03-10 10:30");
    expect(local(first.remindAt)).toBe("2026-03-10 10:24"); // at 80 % of the time
    expect(local(first.nextAt)).toBe("2026-03-10 10:24");
    expect(first).toMatchObject({ basis: "business", targetMs: 30 * MIN, level: 0 });
  });

  it("starts a request arriving after hours at the next opening", () => {
    const clocks = initialClocks(pack("food_delivery"), GENERAL, at("2026-03-10 22:30"));
    expect(local(named(clocks, "firstResponse").dueAt)).toBe("2026-03-11 09:30");
    expect(local(named(clocks, "firstResponse").remindAt)).toBe("2026-03-11 09:24");
  });

  it("runs the pack's other clocks: B2B progress every 48 h, e-commerce review in 1 business day", () => {
    const b2b = initialClocks(
      pack("b2b_food_supply"),
      { ...GENERAL, category: "quality" },
      at("2026-03-13 10:00"),
    );
    expect(b2b.map((c) => c.name)).toEqual(["firstResponse", "resolution", "progressUpdate"]);
    expect(local(named(b2b, "progressUpdate").dueAt)).toBe("2026-03-15 10:00");
    const ec = initialClocks(pack("ecommerce"), { ...GENERAL, category: "quality" }, at("2026-03-13 10:00"));
    expect(local(named(ec, "review").dueAt)).toBe("2026-03-16 21:00"); // Friday → Monday's closing
    expect(local(named(ec, "resolution").dueAt)).toBe("2026-03-16 10:00"); // quality: 72 h
    const logistics = initialClocks(
      pack("ecommerce"),
      { ...GENERAL, category: "logistics" },
      at("2026-03-13 10:00"),
    );
    expect(local(named(logistics, "resolution").dueAt)).toBe("2026-03-14 10:00"); // logistics: 24 h
  });
});

describe("reminder, breach and escalation", () => {
  const p = pack("food_delivery");
  const env = slaEnv(p);
  const start = () => named(initialClocks(p, GENERAL, at("2026-03-10 10:00")), "firstResponse");

  it("reminds at 80 %, breaches at the deadline, escalates to the supervisor, then the manager", () => {
    let c = start();
    expect(advanceClock(c, at("2026-03-10 10:23"), env, true).steps).toEqual([]);

    const reminded = advanceClock(c, at("2026-03-10 10:24"), env, true);
    expect(reminded.steps.map((s) => s.kind)).toEqual(["reminder"]);
    c = reminded.clock;
    expect(local(c.nextAt)).toBe("2026-03-10 10:30");

    const breached = advanceClock(c, at("2026-03-10 10:30"), env, true);
    expect(breached.steps.map((s) => (s.kind === "escalate" ? `escalate:${s.level.queue}` : s.kind))).toEqual(
      ["breach", "escalate:supervisor"],
    );
    c = breached.clock;
    expect(c.level).toBe(1);
    expect(local(c.nextAt)).toBe("2026-03-10 11:00"); // level 2 thirty service minutes later

    const manager = advanceClock(c, at("2026-03-10 11:00"), env, true);
    expect(manager.steps.map((s) => (s.kind === "escalate" ? s.level.queue : s.kind))).toEqual(["manager"]);
    expect(manager.clock.level).toBe(2);
    expect(manager.clock.nextAt).toBeNull(); // nothing more to do
  });

  it("catches up in one go when the deadlines passed while the service was down", () => {
    const { steps, clock } = advanceClock(start(), at("2026-03-10 13:00"), env, true);
    // No late reminder: the deadline had already passed.
    expect(steps.map((s) => s.kind)).toEqual(["breach", "escalate", "escalate"]);
    expect(clock).toMatchObject({ level: 2, nextAt: null });
    expect(local(clock.breachedAt)).toBe("2026-03-10 10:30");
  });

  it("counts the manager's delay in service time: a breach at closing reaches the manager next morning", () => {
    const c = named(initialClocks(p, GENERAL, at("2026-03-10 20:30")), "firstResponse");
    expect(local(c.dueAt)).toBe("2026-03-10 21:00");
    const { clock, steps } = advanceClock(c, at("2026-03-10 21:00"), env, true);
    expect(steps.map((s) => s.kind)).toEqual(["breach", "escalate"]);
    expect(local(clock.nextAt)).toBe("2026-03-11 09:30");
  });

  it("escalates the ticket once when two clocks break together, and records both breaches", () => {
    const [first, resolution] = initialClocks(p, GENERAL, at("2026-03-10 10:00"));
    const now = at("2026-03-10 10:30");
    const steps = [
      ...advanceClock(first!, now, env, true).steps,
      ...advanceClock(resolution!, now, env, true).steps,
    ];
    const effect = escalationEffects(
      "FD20260310000001",
      { level: 0, queue: "rider_logistics", assigneeId: null },
      steps,
    );
    expect(effect.ticket).toEqual({ level: 1, queue: "supervisor" });
    expect(effect.events.map((e) => e.type)).toEqual(["sla_breached", "escalated", "sla_breached"]);
    expect(effect.events[1]!.data).toMatchObject({
      clock: "firstResponse",
      level: 1,
      role: "supervisor",
      from: { level: 0, queue: "rider_logistics" },
      to: { level: 1, queue: "supervisor" },
    });
  });
});

describe("a pause", () => {
  const p = pack("food_delivery");
  const env = slaEnv(p);

  it("stands the clock still and carries the rest over the night", () => {
    const c = startClock(
      { name: "resolution", rule: p.sla.clocks.resolution, target: { minutes: 30 } },
      at("2026-03-10 10:00"),
      env,
    );
    const paused = pauseClock(c, at("2026-03-10 10:10"), env); // 20 minutes left
    expect(paused).toMatchObject({ dueAt: null, nextAt: null, remainingMs: 20 * MIN });
    // Resumed at 20:55: 5 minutes today, 15 tomorrow from 9:00.
    const resumed = resumeClock(paused, at("2026-03-10 20:55"), env, true);
    expect(local(resumed.dueAt)).toBe("2026-03-11 09:15");
    expect(local(resumed.remindAt)).toBe("2026-03-11 09:09"); // 6 service minutes before the deadline
    expect(resumed.pausedSince).toBeNull();
  });

  it("follows the pack: awaiting the customer pauses resolution, not first response", () => {
    const clocks = initialClocks(p, GENERAL, at("2026-03-10 10:00"));
    const changed = reconcileClocks(
      p,
      clocks,
      { ...GENERAL, status: "awaiting_customer" },
      { fromStatus: "in_progress" },
      at("2026-03-10 10:05"),
    );
    expect(changed.map((c) => [c.name, c.pausedSince ? "paused" : "running"])).toEqual([
      ["resolution", "paused"],
    ]);
    const back = reconcileClocks(
      p,
      [named(clocks, "firstResponse"), changed[0]!],
      { ...GENERAL, status: "in_progress" },
      { fromStatus: "awaiting_customer" },
      at("2026-03-10 12:05"),
    );
    expect(local(named(back, "resolution").dueAt)).toBe("2026-03-10 12:30"); // 25 minutes were left
  });

  it("keeps a promise broken before the pause broken", () => {
    const c = startClock(
      { name: "resolution", rule: p.sla.clocks.resolution, target: { minutes: 30 } },
      at("2026-03-10 10:00"),
      env,
    );
    const late = advanceClock(c, at("2026-03-10 10:40"), env, true).clock;
    const paused = pauseClock(late, at("2026-03-10 10:45"), env);
    expect(paused.remainingMs).toBe(-15 * MIN);
    expect(isBreached(paused, at("2026-03-10 11:00"))).toBe(true);
  });
});

describe("meeting, ending and changing promises", () => {
  const p = pack("food_delivery");
  const clocks = () => initialClocks(p, GENERAL, at("2026-03-10 10:00"));

  it("stops first response with a reply the customer reads, in time", () => {
    const [first] = reconcileClocks(
      p,
      clocks(),
      { ...GENERAL, status: "in_progress" },
      { customerReply: true },
      at("2026-03-10 10:20"),
    );
    expect(first).toMatchObject({ name: "firstResponse", nextAt: null });
    expect(local(first!.stoppedAt)).toBe("2026-03-10 10:20");
    expect(isBreached(first!, at("2026-03-11 10:00"))).toBe(false);
  });

  it("stops every clock when the ticket is resolved, and restarts resolution when it is reopened", () => {
    const resolved = reconcileClocks(
      p,
      clocks(),
      { ...GENERAL, status: "resolved" },
      { fromStatus: "in_progress" },
      at("2026-03-10 10:20"),
    );
    expect(resolved.every((c) => c.stoppedAt && !c.nextAt)).toBe(true);
    const reopened = reconcileClocks(
      p,
      resolved,
      { ...GENERAL, status: "reopened" },
      { fromStatus: "resolved" },
      at("2026-03-10 15:00"),
    );
    expect(reopened.map((c) => c.name)).toEqual(["resolution"]);
    expect(local(reopened[0]!.dueAt)).toBe("2026-03-10 15:30");
  });

  it("starts a new progress period with every reply (B2B: 48 h)", () => {
    const b2b = pack("b2b_food_supply");
    const start = initialClocks(b2b, { ...GENERAL, category: "quality" }, at("2026-03-10 10:00"));
    const [progress] = reconcileClocks(
      b2b,
      start.filter((c) => c.name === "progressUpdate"),
      { ...GENERAL, category: "quality", status: "in_progress" },
      { customerReply: true },
      at("2026-03-11 16:00"),
    );
    expect(local(progress!.dueAt)).toBe("2026-03-13 16:00");
  });

  it("measures the time already used against the new target when severity changes", () => {
    const changed = reconcileClocks(
      p,
      clocks(),
      { ...GENERAL, severity: "serious", status: "new" },
      { reclassified: true },
      at("2026-03-10 10:05"),
    );
    // Serious: first response 15 minutes, resolution 120 minutes, both from 10:00.
    expect(local(named(changed, "firstResponse").dueAt)).toBe("2026-03-10 10:15");
    expect(local(named(changed, "resolution").dueAt)).toBe("2026-03-10 12:00");
  });
});

describe("remedy deadlines from the pack", () => {
  it("gives e-commerce repair 3 business days and a refund 24 hours after receipt", () => {
    const p = pack("ecommerce");
    const env = slaEnv(p);
    const repair = remedyDeadline(p, "repair")!;
    const started = startClock({ name: "resolution", ...repair }, at("2026-09-29 15:00"), env);
    // Tuesday 29 September 2026: 30 September, then 8 and 9 October (1–7 October off).
    expect(local(started.dueAt)).toBe("2026-10-09 21:00");
    const refund = startClock(
      { name: "resolution", ...remedyDeadline(p, "refund")! },
      at("2026-09-29 15:00"),
      env,
    );
    expect(local(refund.dueAt)).toBe("2026-09-30 15:00");
    expect(remedyDeadline(pack("food_delivery"), "repair")).toBeNull();
  });
});
