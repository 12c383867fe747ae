import { type Text, text } from "../../platform/errors.ts";

/**
 * Order assistance (订单处理协助): when a merchant asks about an order, the agent sees at once where it
 * stands and what is wrong with it, in words to read out. Pure: the facts come in, the reading goes out.
 */
export type OrderStage = "paid" | "delivered" | "overdue";

export interface OrderFacts {
  paidAt: Date;
  promisedAt: Date | null;
  deliveredAt: Date | null;
  paidFen: number;
  refundedFen: number;
  compensatedFen: number;
  complaints: { status: string; category: string }[];
}

export interface Anomaly {
  code: "LATE_DELIVERY" | "OVERDUE_UNDELIVERED" | "OPEN_COMPLAINTS" | "REFUNDED" | "FULLY_REFUNDED";
  message: Text;
}

const CLOSED = new Set(["resolved", "closed", "not_applicable"]);

export function stageOf(o: Pick<OrderFacts, "promisedAt" | "deliveredAt">, now: Date): OrderStage {
  if (o.deliveredAt) return "delivered";
  return o.promisedAt && o.promisedAt < now ? "overdue" : "paid";
}

const minutesBetween = (a: Date, b: Date) => Math.round((b.getTime() - a.getTime()) / 60_000);
const yuan = (fen: number) => (fen / 100).toFixed(2);

export function anomaliesOf(o: OrderFacts, now: Date): Anomaly[] {
  const found: Anomaly[] = [];
  if (o.deliveredAt && o.promisedAt && o.deliveredAt > o.promisedAt) {
    const late = minutesBetween(o.promisedAt, o.deliveredAt);
    found.push({
      code: "LATE_DELIVERY",
      message: text(`比承诺时间晚 ${late} 分钟送达`, `Delivered ${late} min after the promised time`),
    });
  }
  if (!o.deliveredAt && o.promisedAt && o.promisedAt < now) {
    const late = minutesBetween(o.promisedAt, now);
    found.push({
      code: "OVERDUE_UNDELIVERED",
      message: text(
        `已超过承诺时间 ${late} 分钟仍未送达`,
        `Not delivered ${late} min past the promised time`,
      ),
    });
  }
  const open = o.complaints.filter((c) => !CLOSED.has(c.status)).length;
  if (open > 0)
    found.push({
      code: "OPEN_COMPLAINTS",
      message: text(`有 ${open} 个顾客售后单正在处理`, `${open} customer ticket(s) still being handled`),
    });
  if (o.refundedFen > 0)
    found.push(
      o.refundedFen >= o.paidFen
        ? { code: "FULLY_REFUNDED", message: text("订单已全额退款", "The order was refunded in full") }
        : {
            code: "REFUNDED",
            message: text(
              `已退款 ${yuan(o.refundedFen)} 元（实付 ${yuan(o.paidFen)} 元）`,
              `Refunded ¥${yuan(o.refundedFen)} of ¥${yuan(o.paidFen)} paid`,
            ),
          },
    );
  return found;
}
