import { describe, expect, it } from "vitest";
import { loadPacks } from "../../policy-packs/load.ts";
import {
  charCount,
  decideIntake,
  type IntakeAttachment,
  type IntakeDecision,
  type IntakeFacts,
  type IntakeOrder,
  MAX_ATTACHMENTS,
  normalisePhone,
  type TicketDraft,
} from "./intake.domain.ts";

const packs = loadPacks();
/** A Wednesday, 12:00 in Beijing: a working day, inside the service hours. */
const NOW = new Date("2026-11-25T04:00:00.000Z");
const minutesLater = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);

const PHONE = "13800138000";
const FD_ORDER: IntakeOrder = {
  orderNo: "FDO000001",
  businessLine: "food_delivery",
  customerPhone: PHONE,
  merchantId: "M001",
  riderId: "R001",
  region: "310104",
};
const EC_ORDER: IntakeOrder = { ...FD_ORDER, orderNo: "ECO000001", businessLine: "ecommerce", riderId: null };
const BS_ORDER: IntakeOrder = { ...FD_ORDER, orderNo: "BSO000001", businessLine: "b2b_food_supply" };

const PHOTO: IntakeAttachment = { id: "att-photo", kind: "image", ticketNo: null };
const VIDEO: IntakeAttachment = { id: "att-video", kind: "video", ticketNo: null };
const USED: IntakeAttachment = { id: "att-used", kind: "image", ticketNo: "FD20261124000007" };

/** 104 characters: long enough for the food-delivery app and web forms. */
const LATE_STORY =
  "晚上六点半下的单，页面显示七点十分送达，结果等了一个多小时还没到，饭都凉了。打骑手电话一直不接，商家说早就出餐了，页面上显示骑手一直停在两公里外不动。孩子晚饭没吃上，这种情况希望平台给个说法，尽快退款，谢谢。";
/** 100 characters about a hair in the food. */
const HAIR_STORY =
  "中午点的一份宫保鸡丁盖饭，吃到一半在菜里吃出一根很长的头发，当时就恶心得吃不下去了。已经拍了照片，头发是黑色的，大概十几厘米长，缠在鸡丁上面。希望商家给个解释，按规定退款并赔偿，以后也请注意后厨卫生。";
const HAIR_SHORT = "菜里吃出一根头发，太恶心了";
const DESCRIBED = { colour: "黑色", shape: "细长", size: "约10厘米" };

/** The first n characters of the late-delivery story. */
const storyOf = (n: number) => [...LATE_STORY].slice(0, n).join("");

function decide(body: Record<string, unknown>, facts: Partial<IntakeFacts> = {}): IntakeDecision {
  return decideIntake(
    body,
    { order: FD_ORDER, previousComplaints: 0, attachments: [PHOTO, VIDEO, USED], ...facts },
    packs,
    NOW,
  );
}

/** A valid food-delivery request from the app, with fields replaced or removed (undefined). */
const appRequest = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  channel: "app",
  phone: PHONE,
  orderNo: "FDO000001",
  description: LATE_STORY,
  expectedResolution: "refund",
  ...overrides,
});
/** The same from an agent taking a call: short descriptions are fine. */
const phoneRequest = (overrides: Record<string, unknown> = {}) =>
  appRequest({ channel: "phone", description: "等了一个多小时还没到，饭都凉了", ...overrides });

/** A hair in the food, long enough for the channel. */
const hair = (channel: string, overrides: Record<string, unknown> = {}) =>
  appRequest({
    channel,
    description: channel === "app" || channel === "web" ? HAIR_STORY : HAIR_SHORT,
    ...overrides,
  });

function draftOf(decision: IntakeDecision): TicketDraft {
  if (!decision.ok) throw new Error(`expected a draft, got ${JSON.stringify(decision.details)}`);
  return decision.draft;
}

/** The [field, code] pairs a rejected request comes back with. */
function problems(decision: IntakeDecision): [string, string][] {
  if (decision.ok) throw new Error(`expected a rejection, got a ${decision.draft.category} draft`);
  return decision.details.map((d) => [d.field, d.code]);
}

describe("normalisePhone", () => {
  it.each([
    "+86 138-0013-8000",
    "138 0013 8000",
    "138-0013-8000",
    "8613800138000",
    "+8613800138000",
    "13800138000",
  ])("%s → 13800138000", (raw) => {
    expect(normalisePhone(raw)).toBe("13800138000");
  });

  it("keeps an 86 that is part of the number itself", () => {
    expect(normalisePhone("86138")).toBe("86138");
    expect(normalisePhone("+86 10 6552 9988")).toBe("+861065529988");
  });
});

describe("charCount", () => {
  it("counts characters as people do: one per Chinese character or emoji, spaces around ignored", () => {
    expect(charCount("饭凉了😡")).toBe(4);
    expect("饭凉了😡".length).toBe(5);
    expect(charCount("  饭凉了 \n")).toBe(3);
  });
});

describe("a valid request", () => {
  it("becomes a draft ticket with triage, priority, queue and deadlines", () => {
    const draft = draftOf(decide(appRequest({ description: `  ${LATE_STORY}\n` })));
    expect(draft).toEqual({
      businessLine: "food_delivery",
      packVersion: "2026.1.1",
      ticketPrefix: "FD",
      channel: "app",
      customerPhone: PHONE,
      customerName: null,
      orderNo: "FDO000001",
      merchantId: "M001",
      riderId: "R001",
      region: "310104",
      category: "delivery",
      subType: "late",
      categorySource: "triage",
      classifierCategory: "delivery",
      classifierConfidence: 1,
      classifierDisagrees: false,
      severitySignals: [],
      massAffected: false,
      severity: "general",
      priority: 3,
      urgent: false,
      queue: "rider_logistics",
      description: LATE_STORY,
      expectedResolution: "refund",
      occurredAt: null,
      details: {},
      evidenceAwaited: false,
      attachmentIds: [],
      firstResponseDueAt: minutesLater(30),
      resolutionDueAt: minutesLater(30),
      // The SLA clocks the intake starts; the two deadlines above are theirs.
      clocks: [
        expect.objectContaining({ name: "firstResponse", dueAt: minutesLater(30) }),
        expect.objectContaining({ name: "resolution", dueAt: minutesLater(30) }),
      ],
      receivedAt: NOW,
    });
  });

  it("matches a phone written with country code and dashes, and stores it normalised", () => {
    const draft = draftOf(decide(appRequest({ phone: "+86 138-0013-8000" })));
    expect(draft.customerPhone).toBe("13800138000");
  });

  it("keeps a trimmed name, the occurrence time and each attachment once", () => {
    const draft = draftOf(
      decide(
        appRequest({
          name: "  张女士 ",
          occurredAt: "2026-11-24T11:30:00.000Z",
          attachmentIds: ["att-photo", "att-video", "att-photo"],
        }),
      ),
    );
    expect(draft.customerName).toBe("张女士");
    expect(draft.occurredAt).toEqual(new Date("2026-11-24T11:30:00.000Z"));
    expect(draft.attachmentIds).toEqual(["att-photo", "att-video"]);
  });

  it("treats a blank or null name as no name", () => {
    expect(draftOf(decide(appRequest({ name: "   " }))).customerName).toBeNull();
    expect(draftOf(decide(appRequest({ name: null }))).customerName).toBeNull();
  });

  it("follows the category the customer chose, keeping what triage thought", () => {
    const draft = draftOf(
      decide(
        phoneRequest({
          category: "service_attitude",
          subType: "rider_attitude",
          description: "等了一个多小时还没到，打电话给骑手还被骂了",
        }),
      ),
    );
    expect(draft).toMatchObject({
      category: "service_attitude",
      subType: "rider_attitude",
      categorySource: "customer",
      classifierCategory: "delivery",
      queue: "customer_service",
    });
  });

  it("finds the sub-type in the text when the customer chose only the category", () => {
    const draft = draftOf(
      decide(phoneRequest({ category: "packaging", description: "汤洒了一半，袋子里全是汤" })),
    );
    expect(draft).toMatchObject({ category: "packaging", subType: "leaking", categorySource: "customer" });
  });

  it("puts an urgent food-delivery request ahead without making it serious", () => {
    const draft = draftOf(decide(phoneRequest({ urgent: true })));
    expect(draft).toMatchObject({ severity: "general", urgent: true, priority: 2 });
    expect(draft.firstResponseDueAt).toEqual(minutesLater(15));
    expect(draft.resolutionDueAt).toEqual(minutesLater(60));
  });

  it("makes an urgent b2b request serious, first in line", () => {
    const body = {
      channel: "phone",
      phone: PHONE,
      orderNo: "BSO000001",
      description: "周一那批蔬菜送货晚了，影响营业",
      urgent: true,
    };
    const draft = draftOf(decide(body, { order: BS_ORDER }));
    expect(draft).toMatchObject({
      businessLine: "b2b_food_supply",
      ticketPrefix: "BS",
      category: "delivery_delay",
      severity: "serious",
      priority: 1,
      urgent: true,
    });
    expect(draft.firstResponseDueAt).toEqual(minutesLater(120));
    expect(draft.resolutionDueAt).toEqual(minutesLater(720));
    expect(draftOf(decide({ ...body, urgent: false }, { order: BS_ORDER }))).toMatchObject({
      severity: "general",
      priority: 3,
    });
  });

  it("sends a repeat complainant to a supervisor from the pack's threshold on", () => {
    expect(draftOf(decide(appRequest(), { previousComplaints: 3 })).queue).toBe("supervisor");
    expect(draftOf(decide(appRequest(), { previousComplaints: 2 })).queue).toBe("rider_logistics");
  });

  it("accepts repair for an e-commerce order, where the pack offers it", () => {
    const draft = draftOf(
      decide(
        {
          channel: "app",
          phone: PHONE,
          orderNo: "ECO000001",
          description: "手机收到三天就开不了机了，充电也充不进电",
          expectedResolution: "repair",
        },
        { order: EC_ORDER },
      ),
    );
    expect(draft).toMatchObject({
      businessLine: "ecommerce",
      category: "quality",
      subType: "malfunction",
      expectedResolution: "repair",
      riderId: null,
    });
  });

  it("accepts a business line that agrees with the order", () => {
    expect(draftOf(decide(appRequest({ businessLine: "food_delivery" }))).businessLine).toBe("food_delivery");
  });
});

describe("required fields", () => {
  it.each([
    ["channel", undefined],
    ["phone", undefined],
    ["phone", "   "],
    ["orderNo", undefined],
    ["orderNo", "   "],
    ["description", undefined],
    ["description", " \n\t "],
  ])("%s = %j → REQUIRED", (field, value) => {
    expect(problems(decide(appRequest({ [field]: value })))).toEqual([[field, "REQUIRED"]]);
  });
});

describe("phone, channel, business line and order", () => {
  it.each(["1380013800", "138001380001", "12800138000", "+1 415 555 0100", "1380013800a"])(
    "%s → INVALID_PHONE (and no order lookup message)",
    (phone) => {
      expect(problems(decide(appRequest({ phone })))).toEqual([["phone", "INVALID_PHONE"]]);
    },
  );

  it.each(["fax", "APP", "微信"])("channel %s → INVALID_CHANNEL", (channel) => {
    expect(problems(decide(appRequest({ channel })))).toEqual([["channel", "INVALID_CHANNEL"]]);
  });

  it("rejects an unknown business line", () => {
    expect(problems(decide(appRequest({ businessLine: "takeaway" })))).toEqual([
      ["businessLine", "INVALID_BUSINESS_LINE"],
    ]);
  });

  it("answers ORDER_NOT_FOUND when there is no such order", () => {
    expect(problems(decide(appRequest(), { order: null }))).toEqual([["orderNo", "ORDER_NOT_FOUND"]]);
  });

  it("answers exactly the same when the order belongs to another phone", () => {
    const missing = decide(appRequest(), { order: null });
    const someoneElses = decide(appRequest(), { order: { ...FD_ORDER, customerPhone: "13900139000" } });
    expect(someoneElses).toEqual(missing);
    expect(someoneElses.ok).toBe(false);
  });

  it("rejects an order of another business line than the one chosen", () => {
    expect(problems(decide(appRequest({ businessLine: "ecommerce" })))).toEqual([
      ["businessLine", "ORDER_LINE_MISMATCH"],
    ]);
  });
});

describe("description length", () => {
  it.each(["app", "web"])("the food-delivery %s form needs 100 characters", (channel) => {
    const decision = decide(appRequest({ channel, description: storyOf(99) }));
    expect(problems(decision)).toEqual([["description", "TOO_SHORT"]]);
    expect(!decision.ok && decision.details[0]!.message).toEqual({
      "zh-CN": "问题描述至少需要100字（当前99字）",
      en: "Please describe the problem in at least 100 characters (99 so far)",
    });
    expect(decide(appRequest({ channel, description: storyOf(100) })).ok).toBe(true);
  });

  it("counts an emoji as one character, not two UTF-16 units", () => {
    const hundred = `${storyOf(99)}😡`;
    expect(hundred.length).toBe(101);
    expect(decide(appRequest({ description: hundred })).ok).toBe(true);
    expect(problems(decide(appRequest({ description: `${storyOf(98)}😡` })))).toEqual([
      ["description", "TOO_SHORT"],
    ]);
  });

  it("does not count spaces around the text", () => {
    expect(problems(decide(appRequest({ description: `   ${storyOf(99)}    ` })))).toEqual([
      ["description", "TOO_SHORT"],
    ]);
  });

  it.each(["phone", "wechat", "email", "onsite"])("%s needs only 10 characters", (channel) => {
    expect(problems(decide(appRequest({ channel, description: "饭还没到，都凉了。" })))).toEqual([
      ["description", "TOO_SHORT"],
    ]);
    expect(decide(appRequest({ channel, description: "饭还没到，都凉透了。" })).ok).toBe(true);
  });

  it("rejects more than 2000 characters and accepts exactly 2000", () => {
    expect(problems(decide(appRequest({ description: `${"饭还没到。".repeat(400)}啊` })))).toEqual([
      ["description", "TOO_LONG"],
    ]);
    expect(decide(appRequest({ description: "饭还没到。".repeat(400) })).ok).toBe(true);
  });

  it("rejects a description that is not text", () => {
    expect(problems(decide(appRequest({ description: 12345 })))).toEqual([["description", "INVALID_TYPE"]]);
  });
});

describe("name", () => {
  it("rejects a name longer than 50 characters or not text", () => {
    expect(problems(decide(appRequest({ name: "张".repeat(51) })))).toEqual([["name", "INVALID_NAME"]]);
    expect(problems(decide(appRequest({ name: 42 })))).toEqual([["name", "INVALID_NAME"]]);
    expect(decide(appRequest({ name: "张".repeat(50) })).ok).toBe(true);
  });
});

describe("category, sub-type and expected resolution", () => {
  it("rejects a category of another business line", () => {
    expect(problems(decide(appRequest({ category: "logistics" })))).toEqual([
      ["category", "UNKNOWN_CATEGORY"],
    ]);
  });

  it("rejects a sub-type of another category", () => {
    expect(problems(decide(appRequest({ category: "food", subType: "odour" })))).toEqual([
      ["subType", "UNKNOWN_SUB_TYPE"],
    ]);
  });

  it("rejects repair for food delivery, whose pack does not offer it", () => {
    const decision = decide(appRequest({ expectedResolution: "repair" }));
    expect(problems(decision)).toEqual([["expectedResolution", "UNKNOWN_RESOLUTION"]]);
    expect(!decision.ok && decision.details[0]!.message.en).toBe(
      "expectedResolution must be one of refund, remake, compensation, other",
    );
  });

  it("rejects remake for e-commerce and an answer that is not text", () => {
    const ecommerce = {
      channel: "app",
      phone: PHONE,
      orderNo: "ECO000001",
      description: "手机开不了机了，充电也充不进电",
    };
    expect(problems(decide({ ...ecommerce, expectedResolution: "remake" }, { order: EC_ORDER }))).toEqual([
      ["expectedResolution", "UNKNOWN_RESOLUTION"],
    ]);
    expect(problems(decide(appRequest({ expectedResolution: 1 })))).toEqual([
      ["expectedResolution", "UNKNOWN_RESOLUTION"],
    ]);
  });
});

describe("occurrence time, urgency and attachments", () => {
  it.each(["昨天晚上七点", "2026-13-45T10:00:00Z", 1764043200000, true])(
    "occurredAt %j → INVALID_TIME",
    (occurredAt) => {
      expect(problems(decide(appRequest({ occurredAt })))).toEqual([["occurredAt", "INVALID_TIME"]]);
    },
  );

  it.each(["1", "Nov 24 2026", "2026-02-30T10:00:00+08:00"])(
    "occurredAt %j, not a real ISO-8601 time → INVALID_TIME",
    (occurredAt) => {
      expect(problems(decide(appRequest({ occurredAt })))).toEqual([["occurredAt", "INVALID_TIME"]]);
    },
  );

  it("reads a time without an offset as Beijing time, whatever the server's zone", () => {
    const at = minutesLater(-60);
    const beijing = new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 19);
    expect(draftOf(decide(appRequest({ occurredAt: beijing }))).occurredAt).toEqual(
      new Date(Math.floor(at.getTime() / 1000) * 1000),
    );
  });

  it("rejects a time in the future beyond five minutes of clock skew", () => {
    expect(problems(decide(appRequest({ occurredAt: minutesLater(10).toISOString() })))).toEqual([
      ["occurredAt", "IN_FUTURE"],
    ]);
    expect(draftOf(decide(appRequest({ occurredAt: minutesLater(4).toISOString() }))).occurredAt).toEqual(
      minutesLater(4),
    );
  });

  it.each(["true", 1, "是"])("urgent %j → INVALID_TYPE", (urgent) => {
    expect(problems(decide(appRequest({ urgent })))).toEqual([["urgent", "INVALID_TYPE"]]);
  });

  it(`takes at most ${MAX_ATTACHMENTS} attachments`, () => {
    const attachments = Array.from(
      { length: 10 },
      (_, i): IntakeAttachment => ({
        id: `att-${i}`,
        kind: "image",
        ticketNo: null,
      }),
    );
    const ids = attachments.map((a) => a.id);
    expect(problems(decide(appRequest({ attachmentIds: ids }), { attachments }))).toEqual([
      ["attachmentIds", "TOO_MANY"],
    ]);
    expect(
      draftOf(decide(appRequest({ attachmentIds: ids.slice(0, 9) }), { attachments })).attachmentIds,
    ).toHaveLength(9);
  });

  it("rejects an attachment that does not exist, naming it", () => {
    const decision = decide(appRequest({ attachmentIds: ["att-photo", "att-nope"] }));
    expect(problems(decision)).toEqual([["attachmentIds", "UNKNOWN_ATTACHMENT"]]);
    expect(!decision.ok && decision.details[0]!.message["zh-CN"]).toContain("att-nope");
  });

  it("rejects an attachment already linked to another ticket", () => {
    expect(problems(decide(appRequest({ attachmentIds: ["att-used"] })))).toEqual([
      ["attachmentIds", "UNKNOWN_ATTACHMENT"],
    ]);
  });

  it.each(["att-photo", [1, 2], { id: "att-photo" }])("attachmentIds %j → INVALID_TYPE", (attachmentIds) => {
    expect(problems(decide(appRequest({ attachmentIds })))).toEqual([["attachmentIds", "INVALID_TYPE"]]);
  });
});

describe("foreign-object evidence", () => {
  it.each(["app", "web", "wechat"])("%s: a foreign object without a photo is refused", (channel) => {
    expect(problems(decide(hair(channel, { foreignObject: DESCRIBED })))).toEqual([
      ["attachmentIds", "FOREIGN_OBJECT_EVIDENCE_REQUIRED"],
    ]);
  });

  it.each(["app", "wechat"])("%s: a photo without colour, shape and size is refused", (channel) => {
    const photo = { attachmentIds: ["att-photo"] };
    for (const foreignObject of [
      undefined,
      {},
      { colour: "黑色", shape: "细长" },
      { ...DESCRIBED, size: "  " },
    ])
      expect(problems(decide(hair(channel, { ...photo, foreignObject })))).toEqual([
        ["foreignObject", "FOREIGN_OBJECT_EVIDENCE_REQUIRED"],
      ]);
  });

  it("does not take a video for the photo", () => {
    expect(
      problems(decide(hair("wechat", { attachmentIds: ["att-video"], foreignObject: DESCRIBED }))),
    ).toEqual([["attachmentIds", "FOREIGN_OBJECT_EVIDENCE_REQUIRED"]]);
  });

  it("accepts a photo with colour, shape and size, as a serious food case for the merchant", () => {
    const draft = draftOf(
      decide(
        hair("app", {
          attachmentIds: ["att-photo", "att-video"],
          foreignObject: { colour: " 黑色 ", shape: "细长", size: "约10厘米" },
        }),
      ),
    );
    expect(draft).toMatchObject({
      category: "food",
      subType: "foreign_object",
      severity: "serious",
      priority: 1,
      queue: "merchant_verification",
      evidenceAwaited: false,
      details: { foreignObject: DESCRIBED },
    });
    expect(draft.firstResponseDueAt).toEqual(minutesLater(15));
    expect(draft.resolutionDueAt).toEqual(minutesLater(120));
  });

  it.each(["phone", "email", "onsite", "merchant", "api"])(
    "%s: registers the claim and marks the evidence as awaited",
    (channel) => {
      const draft = draftOf(decide(hair(channel)));
      expect(draft).toMatchObject({ subType: "foreign_object", severity: "serious", evidenceAwaited: true });
    },
  );

  it("phone: evidence brought at once is not awaited", () => {
    const draft = draftOf(decide(hair("phone", { attachmentIds: ["att-photo"], foreignObject: DESCRIBED })));
    expect(draft.evidenceAwaited).toBe(false);
  });

  it("applies when the customer picked the foreign-object sub-type, whatever the text says", () => {
    const body = hair("wechat", {
      category: "food",
      subType: "foreign_object",
      description: "饭菜里面有东西，看着很恶心",
    });
    expect(problems(decide(body))).toEqual([["attachmentIds", "FOREIGN_OBJECT_EVIDENCE_REQUIRED"]]);
  });

  it("does not apply when the customer says there is no foreign object", () => {
    const draft = draftOf(
      decide(appRequest({ channel: "wechat", description: "没有异物，就是有点凉，等太久了" })),
    );
    expect(draft.severity).not.toBe("serious");
    expect(draft.evidenceAwaited).toBe(false);
  });

  it("rejects foreign-object details that are not an object", () => {
    expect(problems(decide(phoneRequest({ foreignObject: "黑色头发" })))).toEqual([
      ["foreignObject", "INVALID_TYPE"],
    ]);
  });
});

describe("several problems", () => {
  it("come back together in one decision", () => {
    const decision = decide(
      { channel: "fax", phone: "12345", orderNo: "", description: "", urgent: "yes", occurredAt: "later" },
      { order: null },
    );
    expect(problems(decision)).toEqual(
      expect.arrayContaining([
        ["channel", "INVALID_CHANNEL"],
        ["phone", "INVALID_PHONE"],
        ["orderNo", "REQUIRED"],
        ["description", "REQUIRED"],
        ["occurredAt", "INVALID_TIME"],
        ["urgent", "INVALID_TYPE"],
      ]),
    );
    expect(problems(decision)).toHaveLength(6);
  });

  it("include the evidence rule, so the customer fixes everything in one go", () => {
    const decision = decide(hair("app", { description: HAIR_SHORT, expectedResolution: "repair" }));
    expect(problems(decision)).toEqual([
      ["description", "TOO_SHORT"],
      ["expectedResolution", "UNKNOWN_RESOLUTION"],
      ["attachmentIds", "FOREIGN_OBJECT_EVIDENCE_REQUIRED"],
    ]);
  });

  it("all carry a Chinese and an English message", () => {
    const decision = decide({ channel: "fax", phone: "12345", description: "" }, { order: null });
    expect(decision.ok).toBe(false);
    for (const d of decision.ok ? [] : decision.details) {
      expect(d.message["zh-CN"]).toMatch(/[\u4e00-\u9fff]/);
      expect(d.message.en).toMatch(/[a-z]/);
    }
  });
});
