import { type Text, text } from "../../platform/errors.ts";
import { fen, formatYuan } from "../../platform/money.ts";

/**
 * What the customer is told when a remedy has been carried out (结果反馈): in plain words, with the
 * amount in yuan and a reference they can quote to us or to their bank. One sentence per payment or
 * department action; the event's data is `{text, textEn, …}`.
 */

const yuan = (amountFen: number) => formatYuan(fen(amountFen));

/** A payout reached the customer. Charges to a merchant or rider are not the customer's business. */
export function payoutFeedback(kind: string, amountFen: number, reference: string): Text | null {
  const y = yuan(amountFen);
  switch (kind) {
    case "refund":
      return text(
        `退款 ${y} 已原路退回您的支付账户（交易参考号 ${reference}），到账时间以支付渠道为准，一般 1–3 个工作日。`,
        `Your refund of ${y} was paid back to your original payment account (reference ${reference}); it usually arrives within 1–3 working days.`,
      );
    case "price_difference":
      return text(
        `差价 ${y} 已退回您的支付账户（交易参考号 ${reference}）。`,
        `The price difference of ${y} was paid back to you (reference ${reference}).`,
      );
    case "compensation":
      return text(
        `赔偿金 ${y} 已支付给您（交易参考号 ${reference}）。`,
        `Compensation of ${y} was paid to you (reference ${reference}).`,
      );
    case "coupon":
      return text(
        `${y} 优惠券已发放到您的账户（券号 ${reference}），下单时可直接使用。`,
        `A coupon worth ${y} was added to your account (coupon ${reference}); it applies at checkout.`,
      );
    default:
      return null;
  }
}

/**
 * A department finished an action the customer can see. Pick-up and inspection are steps towards a
 * refund or an exchange, which tell the result themselves, so they say nothing here. The department's
 * note is for staff (batch numbers, internal remarks) and never goes into the customer's words.
 */
export function executionFeedback(action: string, orderId: string): Text | null {
  switch (action) {
    case "resend":
      return text(
        `补发的商品已送出，执行单号 ${orderId}。如未收到或仍有问题，请随时联系我们。`,
        `The replacement goods were sent, order ${orderId}. Tell us if they do not arrive or anything is still wrong.`,
      );
    case "redeliver":
      return text(
        `已为您重新配送，执行单号 ${orderId}。`,
        `Your order was delivered again, order ${orderId}.`,
      );
    case "repair":
      return text(`维修已完成，执行单号 ${orderId}。`, `The repair is done, order ${orderId}.`);
    default:
      return null;
  }
}

export const feedbackEvent = (words: Text, data: Record<string, unknown>) => ({
  type: "result_feedback",
  visibility: "customer" as const,
  data: { text: words["zh-CN"], textEn: words.en, ...data },
});
