import { expect } from "vitest";
import { PaymentSimulator, paymentsOf } from "../../src/modules/ledger/payments.ts";
import { client, freshCustomer, LONG_TEXT, type TestServer } from "./server.ts";

export interface OrderLine {
  productId: string;
  name: string;
  quantity: number;
  unitPriceFen: number;
}

export interface TicketSetup {
  businessLine?: string;
  merchantId?: string;
  riderId?: string | null;
  items?: OrderLine[];
  paidFen?: number;
  deliveredAt?: string | null;
  category: string;
  subType?: string;
  expectedResolution?: string;
}

/** Fresh food, the wrong item delivered: the warehouse re-sends from a good batch within 48 h. */
export const WRONG_CHERRIES: TicketSetup = {
  businessLine: "fresh_food",
  merchantId: "M007",
  riderId: null,
  items: [{ productId: "P0050", name: "智利车厘子 1kg", quantity: 1, unitPriceFen: 12800 }],
  category: "delivery",
  subType: "wrong_item",
};

/**
 * An order pushed as the order system would, a ticket on it in the given category and sub-type, taken by
 * the agent: the starting point of every remedy.
 */
export async function openTicket(server: TestServer, admin: string, agent: string, s: TicketSetup) {
  const { phone, orderNo } = freshCustomer();
  const items = s.items ?? [{ productId: "P0001", name: "麻辣烫套餐", quantity: 1, unitPriceFen: 2800 }];
  const order = await client(server.url, admin).put(`/api/v1/orders/${orderNo}`, {
    businessLine: s.businessLine ?? "food_delivery",
    customerPhone: phone,
    merchantId: s.merchantId ?? "M001",
    riderId: s.riderId === undefined ? "R001" : s.riderId,
    region: "上海-浦东",
    items,
    paidFen: s.paidFen ?? items.reduce((sum, i) => sum + i.quantity * i.unitPriceFen, 0),
    paidAt: new Date(Date.now() - 3 * 3600_000).toISOString(),
    deliveredAt: s.deliveredAt === undefined ? new Date(Date.now() - 3600_000).toISOString() : s.deliveredAt,
  });
  expect(order.status).toBe(201);
  const intake = await client(server.url).post("/api/v1/tickets", {
    channel: "app",
    phone,
    orderNo,
    category: s.category,
    description: LONG_TEXT,
    ...(s.expectedResolution ? { expectedResolution: s.expectedResolution } : {}),
  });
  expect(intake.status).toBe(201);
  const ticketNo: string = intake.body.ticketNo;
  const staff = client(server.url, agent);
  if (s.subType) {
    const r = await staff.post(`/api/v1/tickets/${ticketNo}/classification`, {
      category: s.category,
      subType: s.subType,
      reason: "核实后确定问题类型",
    });
    expect(r.status).toBe(200);
  }
  expect((await staff.post(`/api/v1/tickets/${ticketNo}/take`)).status).toBe(200);
  return { ticketNo, phone, orderNo };
}

/** The server's payment simulator, to tune its failures and count the payouts it really made. */
export function simulatorOf(server: TestServer): PaymentSimulator {
  const payments = paymentsOf(server.app.ctx);
  if (!(payments.adapter instanceof PaymentSimulator)) payments.adapter = new PaymentSimulator();
  return payments.adapter as PaymentSimulator;
}

export async function eventsOf(server: TestServer, token: string, ticketNo: string): Promise<any[]> {
  const r = await client(server.url, token).get(`/api/v1/tickets/${ticketNo}`);
  expect(r.status).toBe(200);
  return r.body.events;
}
