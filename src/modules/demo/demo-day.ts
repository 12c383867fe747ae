import { sql } from "kysely";
import type { AppContext } from "../../platform/context.ts";
import type { BusinessLine } from "../../policy-packs/schema.ts";
import { runDueFollowUps } from "../follow-up/follow-up.jobs.ts";
import { signSurveyToken } from "../follow-up/survey-token.domain.ts";
import { answerSurvey, type SurveyAnswer } from "../follow-up/surveys.commands.ts";
import { registerRequest } from "../intake/intake.commands.ts";
import { replyToTicket, takeTicket, transitionTicket } from "../tickets/tickets.commands.ts";
import type { Principal } from "../users/roles.ts";
import { principalById } from "../users/users.directory.store.ts";

/**
 * A working day of requests on top of the demo data (`AFTERSALE_DEMO=day`): an empty queue shows nothing
 * of what the product does, so these tickets are filed and handled through the same commands as real
 * ones, at times spread over the last hours: some wait untouched (and run late on their deadlines), some
 * are being worked, some resolved or closed; the customers of the resolved ones answer their surveys (one
 * unhappy, which reopens the ticket for a second round), and three complaints of spoiled goods of one
 * batch make a batch incident once the detector has run. Filed once per database.
 */

type Stage = "new" | "taken" | "replied" | "resolved" | "closed";

interface DemoRequest {
  line: BusinessLine;
  channel: "wechat" | "phone" | "email";
  category: string;
  description: string;
  expectedResolution: string;
  hoursAgo: number;
  stage: Stage;
  agent: "agent1" | "agent2";
  reply?: string;
  urgent?: boolean;
  /** The customer's answer to the survey sent an hour after the resolution. */
  survey?: SurveyAnswer;
}

const REQUESTS: DemoRequest[] = [
  {
    line: "food_delivery",
    channel: "wechat",
    category: "delivery",
    description: "骑手把外卖送到隔壁楼了，打他电话一直不接，最后是我自己下楼找了二十分钟才拿到，饭都凉了。",
    expectedResolution: "refund",
    hoursAgo: 7,
    stage: "closed",
    agent: "agent1",
    reply: "非常抱歉给您带来不便，已为您退款并记录骑手的送错问题。",
  },
  {
    line: "food_delivery",
    channel: "phone",
    category: "food",
    description: "客户来电：麻辣烫里吃出一根头发，非常恶心，要求退款，照片稍后通过微信补发。",
    expectedResolution: "refund",
    hoursAgo: 5,
    stage: "replied",
    agent: "agent2",
    reply: "已收到您的反馈，我们正在联系商家核实，请您补发一张照片，方便尽快处理。",
  },
  {
    line: "food_delivery",
    channel: "wechat",
    category: "packaging",
    description: "包装盒盖子没盖紧，汤洒了一袋子，外卖袋全湿了，菜也只剩一半。",
    expectedResolution: "compensation",
    hoursAgo: 3,
    stage: "resolved",
    agent: "agent1",
    reply: "抱歉让您受影响了，已按平台标准为您补偿一张15元无门槛券。",
    // Unhappy: the ticket goes back to a supervisor for a second round.
    survey: {
      score: 2,
      resolved: false,
      text: "说好的补偿券到现在还没收到",
      dimensions: { efficiency: 2, resolution: 1, attitude: 4 },
    },
  },
  {
    line: "food_delivery",
    channel: "wechat",
    category: "delivery",
    description: "承诺四十分钟送达，结果一个半小时才送到，中途骑手还取消过一次。",
    expectedResolution: "compensation",
    hoursAgo: 1.5,
    stage: "new",
    agent: "agent1",
  },
  {
    line: "food_delivery",
    channel: "phone",
    category: "service_attitude",
    description: "客户来电投诉骑手态度恶劣，送餐时出言辱骂，客户情绪激动，要求平台严肃处理。",
    expectedResolution: "other",
    hoursAgo: 0.5,
    stage: "new",
    agent: "agent2",
    urgent: true,
  },
  {
    line: "food_delivery",
    channel: "wechat",
    category: "food",
    description: "宫保鸡丁饭的分量比图片上少了一半，鸡丁只有几块，感觉被骗了。",
    expectedResolution: "refund",
    hoursAgo: 2,
    stage: "taken",
    agent: "agent2",
  },
  {
    line: "fresh_food",
    channel: "email",
    category: "usage_question",
    description: "冷冻牛排收到后应该怎么解冻？直接泡在热水里可以吗？想知道正确的做法。",
    expectedResolution: "other",
    hoursAgo: 4,
    stage: "resolved",
    agent: "agent1",
    reply: "建议提前一晚放入冷藏室自然解冻，不要用热水浸泡，以免影响口感和食品安全。",
    survey: {
      score: 5,
      resolved: true,
      text: "解答很清楚，谢谢",
      dimensions: { efficiency: 5, resolution: 5, attitude: 5 },
    },
  },
  {
    line: "fresh_food",
    channel: "wechat",
    category: "delivery",
    description: "土鸡蛋送到的时候碎了六个，箱子被压扁了，蛋液流得到处都是。",
    expectedResolution: "refund",
    hoursAgo: 2.5,
    stage: "replied",
    agent: "agent1",
    reply: "非常抱歉，已登记破损的六枚鸡蛋，正在为您办理部分退款。",
  },
  {
    line: "b2b_food_supply",
    channel: "phone",
    category: "delivery_delay",
    description: "门店来电：今早的食材比约定时间晚到两个小时，影响了午市备餐，要求按合同补偿。",
    expectedResolution: "compensation",
    hoursAgo: 6,
    stage: "replied",
    agent: "agent2",
    reply: "已联系配送中心核实晚到原因，补偿方案将在今天下班前给您答复。",
  },
  {
    line: "b2b_food_supply",
    channel: "phone",
    category: "quality",
    description: "门店来电：今天到的青菜有一半发黄，根本没法用，需要尽快补发一批。",
    expectedResolution: "exchange",
    hoursAgo: 1,
    stage: "new",
    agent: "agent1",
  },
  {
    line: "ecommerce",
    channel: "wechat",
    category: "quality",
    description: "蓝牙耳机右耳完全没有声音，才用了两天就坏了，希望换一个新的。",
    expectedResolution: "exchange",
    hoursAgo: 5.5,
    stage: "resolved",
    agent: "agent2",
    reply: "已为您登记换新，新耳机明天发出，旧耳机请交给上门的快递员。",
    survey: { score: 4, resolved: true, dimensions: { efficiency: 4, resolution: 4, attitude: 5 } },
  },
  {
    line: "ecommerce",
    channel: "email",
    category: "logistics",
    description: "快递显示已经签收，但我和家人都没有收到包裹，门卫也说没有。",
    expectedResolution: "refund",
    hoursAgo: 3,
    stage: "taken",
    agent: "agent1",
  },
  {
    line: "ecommerce",
    channel: "wechat",
    category: "not_as_described",
    description: "面霜的颜色和气味跟详情页写的都不一样，怀疑不是正品，想退货。",
    expectedResolution: "return",
    hoursAgo: 0.8,
    stage: "new",
    agent: "agent2",
  },
];

/** Three customers of one batch within hours: the detector opens a batch incident for them. */
const SPOILED_BATCH = [
  (item: string) => `收到的${item}有一股异味，颜色也不对，感觉已经变质了，不敢吃。`,
  (item: string) => `这次买的${item}闻着发臭，明显不新鲜，已经变质了。`,
  (item: string) => `${item}打开后有很重的异味，全家都不敢吃，怀疑这批货变质。`,
];

/** Files the demo day once per database; answers how many tickets it filed (0 when already there). */
export async function fileDemoDay(ctx: AppContext): Promise<number> {
  const now = ctx.clock.now();
  // Whoever stores the mark files the day: a second process, or a restart, finds it taken.
  const claimed = await ctx.db
    .insertInto("app_state")
    .values({ key: "demo_day_filed", value: JSON.stringify({ at: now.toISOString() }) })
    .onConflict((oc) => oc.column("key").doNothing())
    .returning("key")
    .executeTakeFirst();
  if (!claimed) return 0;

  const staff = await staffByName(ctx, ["agent1", "agent2"]);
  // Within this month, so every event lands in the month's own partition (at most 8 hours back).
  const monthStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const scale = Math.min(1, (now.getTime() - monthStart) / (8 * 3600_000));
  const at = (hoursAgo: number): AppContext => {
    const when = new Date(now.getTime() - hoursAgo * scale * 3600_000);
    return { ...ctx, clock: { now: () => when } };
  };

  const orders = await freshOrders(ctx, REQUESTS);
  const answers = new Map<string, SurveyAnswer>();
  let filed = 0;
  for (const [i, r] of REQUESTS.entries()) {
    const order = orders[i];
    if (!order) continue;
    const agent = staff.get(r.agent)!;
    const ticketNo = await file(at(r.hoursAgo), agent, {
      channel: r.channel,
      phone: order.customer_phone,
      orderNo: order.order_no,
      category: r.category,
      description: r.description,
      expectedResolution: r.expectedResolution,
      urgent: r.urgent ?? false,
    });
    filed++;
    await work(r, ticketNo, agent, (minutes) => at(r.hoursAgo - minutes / 60));
    if (r.survey) answers.set(ticketNo, r.survey);
  }
  await answerSurveys(ctx, now, answers);
  for (const [i, order] of (await ordersOfOneBatch(ctx)).entries()) {
    await file(at(1.2 - i * 0.3), staff.get("agent1")!, {
      channel: "wechat",
      phone: order.customer_phone,
      orderNo: order.order_no,
      category: "quality",
      description: SPOILED_BATCH[i]!(order.item),
      expectedResolution: "refund",
    });
    filed++;
  }
  return filed;
}

/** Sends the surveys due by now (an hour after each resolution) and answers them as the customers would. */
async function answerSurveys(ctx: AppContext, now: Date, answers: Map<string, SurveyAnswer>): Promise<void> {
  await runDueFollowUps(ctx, now);
  if (!answers.size) return;
  const sent = await ctx.db
    .selectFrom("surveys")
    .select(["id", "ticket_no", "expires_at"])
    .where("ticket_no", "in", [...answers.keys()])
    .where("answered_at", "is", null)
    .execute();
  for (const survey of sent) {
    const token = signSurveyToken(survey.id, survey.expires_at, ctx.config.authSecret);
    await answerSurvey(ctx, token, answers.get(survey.ticket_no)!);
  }
}

async function file(ctx: AppContext, agent: Principal, body: Record<string, unknown>): Promise<string> {
  // WeChat and e-mail arrive from the customer; a phone call is registered by the agent who took it.
  const actor =
    body.channel === "phone"
      ? { id: agent.id, name: agent.name, role: agent.role }
      : { id: null, name: "customer", role: "customer" };
  const registered = await registerRequest(ctx, body, actor, null, "zh-CN");
  if (!registered.ok)
    throw new Error(`demo request on ${String(body.orderNo)} refused: ${JSON.stringify(registered.details)}`);
  return registered.ticketNo;
}

/** Moves a filed ticket to its stage, each step some minutes after the one before. */
async function work(
  r: DemoRequest,
  ticketNo: string,
  agent: Principal,
  after: (minutes: number) => AppContext,
): Promise<void> {
  if (r.stage === "new") return;
  await takeTicket(after(6), agent, ticketNo);
  if (r.stage === "taken") return;
  if (r.reply) await replyToTicket(after(9), agent, ticketNo, r.reply, "customer");
  if (r.stage === "replied") return;
  await transitionTicket(after(25), agent, ticketNo, "resolved", undefined);
  if (r.stage === "closed") await transitionTicket(after(90), agent, ticketNo, "closed", undefined);
}

async function staffByName(ctx: AppContext, names: string[]): Promise<Map<string, Principal>> {
  const rows = await ctx.db
    .selectFrom("users")
    .select(["id", "username"])
    .where("username", "in", names)
    .execute();
  const found = new Map<string, Principal>();
  for (const row of rows) {
    const p = await principalById(ctx.db, row.id);
    if (p) found.set(row.username, p);
  }
  for (const name of names) if (!found.has(name)) throw new Error(`demo user ${name} is missing`);
  return found;
}

interface OrderOfCustomer {
  order_no: string;
  customer_phone: string;
}

/**
 * For each request an order of its line whose customer has no ticket and no other order here, so the
 * repeat-complaint rule keeps them in their normal queues; 13800138000 is left to the README's walk-through.
 */
async function freshOrders(
  ctx: AppContext,
  requests: DemoRequest[],
): Promise<(OrderOfCustomer | undefined)[]> {
  const used = new Set<string>();
  const picked: (OrderOfCustomer | undefined)[] = [];
  for (const r of requests) {
    const rows = await sql<OrderOfCustomer>`
      select o.order_no, o.customer_phone from orders o
      where o.business_line = ${r.line} and o.customer_phone <> '13800138000'
        and not exists (select 1 from tickets t where t.customer_phone = o.customer_phone)
      order by o.order_no limit 50`.execute(ctx.db);
    const order = rows.rows.find((o) => !used.has(o.customer_phone));
    if (order) used.add(order.customer_phone);
    picked.push(order);
  }
  return picked;
}

type BatchOrder = OrderOfCustomer & { batch: string; item: string };

/** Three fresh-food orders of three customers without tickets that share a product's batch. */
async function ordersOfOneBatch(ctx: AppContext): Promise<BatchOrder[]> {
  const rows = await sql<BatchOrder>`
    select o.order_no, o.customer_phone, item->>'batchNo' as batch, item->>'name' as item
    from orders o, json_array_elements(o.items::json) item
    where o.business_line = 'fresh_food' and o.customer_phone <> '13800138000'
      and not exists (select 1 from tickets t where t.customer_phone = o.customer_phone)
    order by item->>'batchNo', o.order_no`.execute(ctx.db);
  const byBatch = new Map<string, BatchOrder[]>();
  for (const row of rows.rows) {
    const list = byBatch.get(row.batch) ?? [];
    if (!list.some((o) => o.customer_phone === row.customer_phone)) list.push(row);
    byBatch.set(row.batch, list);
  }
  return [...byBatch.values()].find((list) => list.length >= 3)?.slice(0, 3) ?? [];
}
