import { type Static, Type as T } from "typebox";

/**
 * The shape every policy pack must have. A pack is data, validated at start; a pack that does not fit
 * stops the process with the file, the field and the problem.
 */
const Label = T.Object(
  { "zh-CN": T.String({ minLength: 1 }), en: T.String({ minLength: 1 }) },
  { additionalProperties: false },
);
const Code = T.String({ pattern: "^[a-z][a-z0-9_]*$" });
const Keywords = T.Array(T.String({ minLength: 1 }));
const Minutes = T.Integer({ minimum: 1 });

export const QUEUES = ["customer_service", "rider_logistics", "merchant_verification", "supervisor"] as const;
export const SEVERITIES = ["serious", "general", "minor"] as const;
export const CHANNELS = ["app", "web", "wechat", "phone", "email", "onsite", "merchant", "api"] as const;
export const RESOLUTIONS = [
  "refund",
  "remake",
  "compensation",
  "exchange",
  "return",
  "repair",
  "other",
] as const;
export const BUSINESS_LINES = ["food_delivery", "fresh_food", "b2b_food_supply", "ecommerce"] as const;

export type Queue = (typeof QUEUES)[number];
export type Severity = (typeof SEVERITIES)[number];
export type Channel = (typeof CHANNELS)[number];
export type Resolution = (typeof RESOLUTIONS)[number];
export type BusinessLine = (typeof BUSINESS_LINES)[number];

const Union = <V extends readonly string[]>(values: V) => T.Union(values.map((v) => T.Literal(v)));

const SubType = T.Object(
  {
    code: Code,
    labels: Label,
    keywords: Keywords,
    /** A sub-type that is by its nature serious (e.g. foreign object) or minor (e.g. slight dent). */
    severity: T.Optional(Union(SEVERITIES)),
    /** Self-service channels must bring a photo plus colour, shape and size (异物). */
    requiresForeignObjectEvidence: T.Optional(T.Boolean()),
  },
  { additionalProperties: false },
);

const Category = T.Object(
  {
    code: Code,
    labels: Label,
    keywords: Keywords,
    queue: Union(QUEUES),
    subTypes: T.Array(SubType, { minItems: 1 }),
  },
  { additionalProperties: false },
);

const Hours = T.Object(
  { open: T.String({ pattern: "^\\d{2}:\\d{2}$" }), close: T.String({ pattern: "^\\d{2}:\\d{2}$" }) },
  { additionalProperties: false },
);

const RemedyItem = T.Object(
  {
    kind: Union([
      "refund",
      "coupon",
      "compensation",
      "resend",
      "exchange",
      "repair",
      "return",
      "price_difference",
      "redeliver",
      "explanation",
    ] as const),
    /** How the amount derives from the order: the whole paid amount, the affected items, a multiple, or fixed fen. */
    basis: T.Optional(Union(["paid", "items", "fixed"] as const)),
    multiplier: T.Optional(T.Number({ minimum: 0 })),
    fixedFen: T.Optional(T.Integer({ minimum: 0 })),
    payer: Union(["platform", "merchant", "rider", "logistics", "customer", "seller"] as const),
    deadlineHours: T.Optional(T.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);

const RemedyRule = T.Object(
  {
    category: Code,
    subTypes: T.Optional(T.Array(Code)),
    severity: T.Optional(Union(SEVERITIES)),
    items: T.Array(RemedyItem, { minItems: 1 }),
    reason: Label,
  },
  { additionalProperties: false },
);

export const PolicyPackSchema = T.Object(
  {
    businessLine: Union(BUSINESS_LINES),
    version: T.String({ pattern: "^\\d{4}\\.\\d+\\.\\d+$" }),
    labels: Label,
    ticketPrefix: T.String({ pattern: "^[A-Z]{2}$" }),
    serviceHours: T.Object({ workdays: Hours, holidays: Hours }, { additionalProperties: false }),
    categories: T.Array(Category, { minItems: 1 }),
    expectedResolutions: T.Array(Union(RESOLUTIONS), { minItems: 1 }),
    /** Minimum description length in characters, per channel; `default` for channels not named. */
    descriptionMinLength: T.Object(
      { default: T.Integer({ minimum: 1 }) },
      { additionalProperties: T.Integer({ minimum: 1 }) },
    ),
    severityRules: T.Object(
      {
        seriousKeywords: Keywords,
        minorKeywords: Keywords,
        /** Words that cancel a signal right after them: "没有异物" is not a foreign object. */
        negations: Keywords,
        urgentIsSerious: T.Boolean(),
      },
      { additionalProperties: false },
    ),
    sla: T.Object(
      {
        firstResponseMinutes: T.Object(
          { default: Minutes, serious: Minutes, urgent: Minutes },
          { additionalProperties: false },
        ),
        resolutionMinutes: T.Object(
          { default: Minutes, serious: Minutes, urgent: Minutes },
          { additionalProperties: false },
        ),
        reviewMinutes: T.Optional(Minutes),
        progressUpdateMinutes: T.Optional(Minutes),
        resendHours: T.Optional(T.Integer({ minimum: 1 })),
        refundAfterReceiptHours: T.Optional(T.Integer({ minimum: 1 })),
        repairBusinessDays: T.Optional(T.Integer({ minimum: 1 })),
        compensationPaidHours: T.Optional(T.Integer({ minimum: 1 })),
        reminderAtFraction: T.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 }),
      },
      { additionalProperties: false },
    ),
    remedies: T.Array(RemedyRule),
    thresholds: T.Object(
      {
        repeatComplainant: T.Object(
          { windowDays: T.Integer({ minimum: 1 }), minPrevious: T.Integer({ minimum: 1 }) },
          { additionalProperties: false },
        ),
        batchIncident: T.Object(
          { count: T.Integer({ minimum: 2 }), windowHours: T.Integer({ minimum: 1 }) },
          { additionalProperties: false },
        ),
        merchantTalkComplaintRate: T.Number({ exclusiveMinimum: 0, maximum: 1 }),
        lowSatisfactionScore: T.Integer({ minimum: 1, maximum: 5 }),
      },
      { additionalProperties: false },
    ),
    followUp: T.Object(
      {
        surveyWithinHours: T.Integer({ minimum: 1 }),
        returnVisitDays: T.Object({ min: T.Integer({ minimum: 1 }), max: T.Integer({ minimum: 1 }) }),
      },
      { additionalProperties: false },
    ),
    retention: T.Object({ months: T.Integer({ minimum: 1 }) }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);

export type PolicyPack = Static<typeof PolicyPackSchema>;
export type PackCategory = PolicyPack["categories"][number];
export type PackSubType = PackCategory["subTypes"][number];
