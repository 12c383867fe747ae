/**
 * What the intake bench sends: one order per request (a new customer phone each time, so the
 * repeat-complainant rule never fires), over the four business lines, with realistic Chinese descriptions.
 * Request i always uses order i, so the same index means the same customer in the HTTP and the raw runs.
 */
import type { OrderInput } from "../../src/modules/orders/orders.store.ts";
import type { BusinessLine } from "../../src/policy-packs/schema.ts";

interface LineFixture {
  line: BusinessLine;
  merchants: string[];
  riders: boolean;
  items: { productId: string; name: string; unitPriceFen: number }[];
  resolutions: string[];
  descriptions: string[];
}

const LINES: LineFixture[] = [
  {
    line: "food_delivery",
    merchants: ["M001", "M002", "M003", "M004", "M005", "M006"],
    riders: true,
    items: [
      { productId: "P0001", name: "麻辣烫套餐", unitPriceFen: 2800 },
      { productId: "P0002", name: "宫保鸡丁饭", unitPriceFen: 2600 },
      { productId: "P0003", name: "叉烧饭", unitPriceFen: 3200 },
    ],
    resolutions: ["refund", "remake", "compensation"],
    descriptions: [
      "等了一个多小时还没到，饭都凉了。打骑手电话一直不接，商家说早就出餐了，页面上显示骑手一直停在两公里外不动，希望尽快退款。",
      "收到的麻辣烫少了一份丸子和一瓶饮料，订单上明明写了，联系商家一直没有回复，请帮忙补送或者退差价。",
      "外卖包装袋破了，汤全洒在袋子里，米饭都泡了没法吃，已经拍了照片，希望平台给个说法。",
      "宫保鸡丁饭里的鸡肉有一股酸味，吃起来不新鲜，吃了两口就不敢再吃了，要求退款并请商家检查食材。",
      "骑手把餐放在楼下就走了，没有打电话也没有送上楼，下来拿的时候奶茶已经洒了一半。",
    ],
  },
  {
    line: "fresh_food",
    merchants: ["M007", "M008", "M009"],
    riders: false,
    items: [
      { productId: "P0040", name: "智利车厘子 1kg", unitPriceFen: 12800 },
      { productId: "P0041", name: "冷冻牛排 500g", unitPriceFen: 8900 },
    ],
    resolutions: ["refund", "exchange", "compensation"],
    descriptions: [
      "买的车厘子到货后有十几颗已经烂了，还有不少被压坏，箱子也压扁了，希望按比例部分退款。",
      "冷冻牛排送到的时候已经完全化冻了，包装里都是血水，冷链明显有问题，要求换货。",
      "土鸡蛋收到时碎了五六个，蛋液流得到处都是，其他鸡蛋也粘在一起了，请处理一下。",
    ],
  },
  {
    line: "b2b_food_supply",
    merchants: ["M010", "M011"],
    riders: false,
    items: [
      { productId: "P0070", name: "青菜 20kg", unitPriceFen: 8000 },
      { productId: "P0071", name: "大米 25kg", unitPriceFen: 13500 },
    ],
    resolutions: ["refund", "exchange", "compensation"],
    descriptions: [
      "今天早上配送的青菜少了两箱，签收单上的数量和实际不符，厨房午市备货受到影响，请尽快补送。",
      "鲜猪肉这次送货晚了两个小时，厨房只能临时改菜单，希望供应商说明原因并给出补偿方案。",
    ],
  },
  {
    line: "ecommerce",
    merchants: ["M012", "M013", "M014"],
    riders: false,
    items: [
      { productId: "P0090", name: "蓝牙耳机", unitPriceFen: 19900 },
      { productId: "P0091", name: "充电宝", unitPriceFen: 12900 },
    ],
    resolutions: ["refund", "return", "exchange"],
    descriptions: [
      "蓝牙耳机收到后左耳没有声音，充电仓也充不进电，申请换一副新的。",
      "充电宝外壳有一道裂缝，快递盒也是破的，怀疑运输途中摔坏了，希望退货退款。",
      "电热水壶用了三天底座就不通电了，指示灯不亮，要求维修或者换货。",
    ],
  },
];

const REGIONS = ["上海-浦东", "上海-徐汇", "北京-朝阳", "北京-海淀", "广州-天河", "深圳-南山", "杭州-西湖"];
const NAMES = ["张先生", "李女士", "王女士", "刘先生", "陈女士", "赵先生"];

/** Food delivery carries most of the traffic, as it does in the business. */
const lineOf = (i: number): LineFixture => LINES[[0, 0, 0, 1, 2, 3][i % 6]!]!;

export const orderNoOf = (i: number): string => `BN${String(i).padStart(9, "0")}`;
/** A valid mainland mobile number, distinct for every i below 10^9. */
export const phoneOf = (i: number): string => `13${String(i).padStart(9, "0")}`;

export function orderOf(i: number, now: Date): OrderInput {
  const f = lineOf(i);
  const item = f.items[i % f.items.length]!;
  const paidAt = new Date(now.getTime() - (2 + (i % 48)) * 3_600_000);
  return {
    businessLine: f.line,
    customerPhone: phoneOf(i),
    merchantId: f.merchants[i % f.merchants.length]!,
    riderId: f.riders ? `R${String(1 + (i % 12)).padStart(3, "0")}` : null,
    region: REGIONS[i % REGIONS.length]!,
    items: [{ ...item, quantity: 1 + (i % 2), batchNo: `${item.productId}-B3` }],
    paidFen: item.unitPriceFen * (1 + (i % 2)),
    paidAt: paidAt.toISOString(),
    promisedAt: new Date(paidAt.getTime() + 40 * 60_000).toISOString(),
    deliveredAt: new Date(paidAt.getTime() + 55 * 60_000).toISOString(),
  };
}

/** The body an integration posts for order i (channel "api", authenticated by its X-Api-Key). */
export function intakeBodyOf(i: number): Record<string, unknown> {
  const f = lineOf(i);
  const description = f.descriptions[Math.floor(i / 6) % f.descriptions.length]!;
  return {
    channel: "api",
    phone: phoneOf(i),
    orderNo: orderNoOf(i),
    name: NAMES[i % NAMES.length],
    description,
    expectedResolution: f.resolutions[i % f.resolutions.length],
    ...(i % 10 === 0 ? { urgent: true } : {}),
  };
}

/** Percentile of an ascending array (nearest rank). */
export { percentile } from "./figures.ts";
