import type { Insertable } from "kysely";
import type { Db } from "../../db/database.ts";
import type { OrderItemRow, OrdersTable } from "../../db/schema.ts";
import { BUSINESS_LINES, type BusinessLine } from "../../policy-packs/schema.ts";
import type { Role } from "../users/roles.ts";
import { createUser } from "../users/users.store.ts";

/**
 * Demo data: merchants, riders, regions, products with batches, and a few thousand orders over the last
 * 90 days for all four lines, plus the demo users. Deterministic (seeded), loaded once per database.
 */
export const DEMO_PASSWORD = "demo123456";

export const DEMO_USERS: {
  username: string;
  displayName: string;
  role: Role;
  merchantIds?: string[];
  riderId?: string;
}[] = [
  { username: "admin", displayName: "系统管理员", role: "admin" },
  { username: "agent1", displayName: "客服小王", role: "agent" },
  { username: "agent2", displayName: "客服小李", role: "agent" },
  { username: "supervisor1", displayName: "主管张敏", role: "supervisor" },
  { username: "manager1", displayName: "运营经理陈刚", role: "manager" },
  { username: "qa1", displayName: "质检刘芳", role: "qa" },
  { username: "merchant1", displayName: "老王麻辣烫", role: "merchant", merchantIds: ["M001"] },
  { username: "rider1", displayName: "骑手赵强", role: "rider", riderId: "R001" },
  { username: "warehouse1", displayName: "仓库小周", role: "warehouse" },
  { username: "finance1", displayName: "财务小吴", role: "finance" },
];

const REGIONS = [
  "上海-浦东",
  "上海-徐汇",
  "北京-朝阳",
  "北京-海淀",
  "广州-天河",
  "深圳-南山",
  "杭州-西湖",
  "成都-武侯",
];

const CATALOGUE: Record<BusinessLine, { merchants: string[]; products: [string, number][] }> = {
  food_delivery: {
    merchants: ["老王麻辣烫", "川味小厨", "粤式茶餐厅", "兰州拉面", "黄焖鸡米饭", "沙县小吃"],
    products: [
      ["麻辣烫套餐", 2800],
      ["宫保鸡丁饭", 2600],
      ["叉烧饭", 3200],
      ["牛肉拉面", 2200],
      ["黄焖鸡", 2500],
      ["蒸饺", 1200],
      ["酸辣粉", 1500],
      ["奶茶", 1600],
    ],
  },
  fresh_food: {
    merchants: ["鲜果优选", "海鲜码头", "绿源蔬菜"],
    products: [
      ["智利车厘子 1kg", 12800],
      ["冷冻牛排 500g", 8900],
      ["有机西兰花 500g", 1290],
      ["阿根廷红虾 1kg", 15900],
      ["土鸡蛋 30枚", 4590],
      ["三文鱼刺身 200g", 6900],
    ],
  },
  b2b_food_supply: {
    merchants: ["城东食材配送中心", "联华生鲜供应链"],
    products: [
      ["大米 25kg", 13500],
      ["鲜猪肉 10kg", 32000],
      ["青菜 20kg", 8000],
      ["食用油 20L", 26000],
      ["鸡蛋 360枚", 36000],
    ],
  },
  ecommerce: {
    merchants: ["数码旗舰店", "家居好物", "美妆专营"],
    products: [
      ["蓝牙耳机", 19900],
      ["电热水壶", 8900],
      ["保温杯", 6900],
      ["面霜 50ml", 25900],
      ["充电宝", 12900],
      ["床上四件套", 29900],
    ],
  },
};

/** A small seeded generator (mulberry32): the same demo every time. */
function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LINE_CODE: Record<BusinessLine, string> = {
  food_delivery: "FD",
  fresh_food: "FF",
  b2b_food_supply: "BS",
  ecommerce: "EC",
};

export async function loadDemo(db: Db, now: Date, ordersPerLine = 900): Promise<boolean> {
  const done = await db
    .selectFrom("app_state")
    .select("key")
    .where("key", "=", "demo_loaded")
    .executeTakeFirst();
  if (done) {
    // A demo loaded by an older version still gets the demo users added since (warehouse1, finance1).
    const have = await db.selectFrom("users").select("username").execute();
    const known = new Set(have.map((u) => u.username));
    for (const user of DEMO_USERS)
      if (!known.has(user.username)) await createUser(db, { ...user, password: DEMO_PASSWORD }, now);
    return false;
  }
  const random = rng(20261125);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;

  const riders = Array.from({ length: 12 }, (_, i) => ({
    id: `R${String(i + 1).padStart(3, "0")}`,
    name: `骑手${i + 1}号`,
    region: REGIONS[i % REGIONS.length]!,
  }));
  await db.insertInto("riders").values(riders).execute();

  let merchantNo = 0;
  let productNo = 0;
  const orders: Insertable<OrdersTable>[] = [];
  for (const line of BUSINESS_LINES) {
    const catalogue = CATALOGUE[line];
    const merchants = catalogue.merchants.map((name, i) => ({
      id: `M${String(++merchantNo).padStart(3, "0")}`,
      name,
      business_line: line,
      region: REGIONS[(merchantNo + i) % REGIONS.length]!,
    }));
    await db.insertInto("merchants").values(merchants).execute();
    const products = merchants.flatMap((m) =>
      catalogue.products.slice(0, 4 + Math.floor(random() * 3)).map(([name, price]) => ({
        id: `P${String(++productNo).padStart(4, "0")}`,
        name,
        business_line: line,
        merchant_id: m.id,
        unit_price_fen: price,
      })),
    );
    await db.insertInto("products").values(products).execute();
    const batches = products.flatMap((p) =>
      [0, 1, 2].map((b) => {
        const produced = new Date(now.getTime() - (90 - b * 30) * 86_400_000);
        return {
          batch_no: `${p.id}-B${b + 1}`,
          product_id: p.id,
          produced_at: produced,
          best_before: new Date(produced.getTime() + 60 * 86_400_000),
        };
      }),
    );
    await db.insertInto("batches").values(batches).execute();

    for (let i = 0; i < ordersPerLine; i++) {
      const merchant = i === 0 && line === "food_delivery" ? merchants[0]! : pick(merchants);
      const own = products.filter((p) => p.merchant_id === merchant.id);
      const paidAt = new Date(now.getTime() - Math.floor(random() * 90 * 86_400_000));
      const batchIndex = Math.min(2, Math.floor((90 - (now.getTime() - paidAt.getTime()) / 86_400_000) / 30));
      const items: OrderItemRow[] = Array.from({ length: 1 + Math.floor(random() * 3) }, () => {
        const p = pick(own);
        return {
          productId: p.id,
          name: p.name,
          batchNo: `${p.id}-B${batchIndex + 1}`,
          quantity: 1 + Math.floor(random() * 2),
          unitPriceFen: p.unit_price_fen,
        };
      });
      const total = items.reduce((s, it) => s + it.quantity * it.unitPriceFen, 0);
      const delivery = line === "food_delivery";
      orders.push({
        order_no: `${LINE_CODE[line]}O${String(i + 1).padStart(6, "0")}`,
        business_line: line,
        // Demo customers 13900000000…: a few hundred phones, so some customers complain repeatedly.
        // The first order of each line belongs to 13800138000, the README's walk-through customer.
        customer_phone: i === 0 ? "13800138000" : `139${String(Math.floor(random() * 400)).padStart(8, "0")}`,
        merchant_id: merchant.id,
        rider_id: delivery ? pick(riders).id : null,
        region: merchant.region,
        items: JSON.stringify(items),
        paid_fen: total,
        paid_at: paidAt,
        promised_at: new Date(paidAt.getTime() + (delivery ? 40 * 60_000 : 2 * 86_400_000)),
        delivered_at: new Date(
          paidAt.getTime() +
            (delivery
              ? (25 + Math.floor(random() * 40)) * 60_000
              : (1 + Math.floor(random() * 3)) * 86_400_000),
        ),
        created_at: paidAt,
        updated_at: paidAt,
      });
    }
  }
  await insertOrders(db, orders);
  for (const user of DEMO_USERS) await createUser(db, { ...user, password: DEMO_PASSWORD }, now);
  await db
    .insertInto("app_state")
    .values({ key: "demo_loaded", value: JSON.stringify({ at: now.toISOString() }) })
    .execute();
  return true;
}

async function insertOrders(db: Db, rows: Insertable<OrdersTable>[]) {
  for (let i = 0; i < rows.length; i += 500)
    await db
      .insertInto("orders")
      .values(rows.slice(i, i + 500))
      .execute();
}
