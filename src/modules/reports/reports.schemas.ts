import { Type as T } from "typebox";

/** The schemas the report routes share: query fields, rates and a line's KPIs beside their targets. */
export const Month = T.String({ description: "YYYY-MM, a month in Beijing time", examples: ["2026-05"] });
export const Line = T.String({ description: "food_delivery | fresh_food | b2b_food_supply | ecommerce" });
export const Rate = T.Union([T.Number(), T.Null()], {
  description: "a share of 1 (0.98 = 98%); null with nothing to count",
});
export const Num = T.Union([T.Number(), T.Null()]);

export const Kpis = T.Object({
  tickets: T.Integer(),
  resolved: T.Integer(),
  resolutionRate: Rate,
  avgResolutionMinutes: Num,
  satisfactionAvg: Num,
  surveys: T.Integer(),
  secondRoundRate: Rate,
  escalationRate: Rate,
  withdrawalRate: Rate,
  avgFirstResponseMinutes: Num,
  firstResponseOnTime: Rate,
  resolutionOnTime: Rate,
  slaAttainment: Rate,
});

export const Check = T.Object({ target: T.Number(), actual: Num, met: T.Union([T.Boolean(), T.Null()]) });
export const Targets = T.Object({ resolutionRate: Check, satisfaction: Check, handlingMinutes: Check });
