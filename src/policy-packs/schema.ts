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

export const QUEUES = [
  "customer_service",
  "rider_logistics",
  "merchant_verification",
  "supervisor",
  "manager",
] as const;
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

/** A promise in minutes: the default, stricter targets for serious or urgent cases, and per category. */
const Target = T.Object(
  {
    default: Minutes,
    serious: Minutes,
    urgent: Minutes,
    /** Overrides the default for a category (e.g. e-commerce logistics 24 h, quality 72 h). */
    byCategory: T.Optional(T.Record(T.String(), Minutes)),
  },
  { additionalProperties: false },
);

/**
 * How one clock runs. `business` counts only service hours of the business calendar (a request after
 * hours starts at the next opening); `calendar` counts wall-clock time. The statuses are ticket statuses.
 */
const ClockRule = T.Object(
  {
    basis: Union(["business", "calendar"] as const),
    /** While the ticket is in one of these statuses the clock stands still (e.g. awaiting the customer). */
    pauseIn: T.Array(Code),
    /** Entering one of these statuses meets (stops) the clock. */
    stopIn: T.Array(Code),
    /** Entering one of these statuses starts a stopped clock again from the full target (e.g. reopened). */
    restartIn: T.Optional(T.Array(Code)),
    /** A reply the customer can read meets the clock (first response) or starts a new period (progress update). */
    onCustomerReply: T.Optional(Union(["stop", "restart"] as const)),
    /** Whether breaking this promise escalates; it is always recorded. Default true. */
    escalates: T.Optional(T.Boolean()),
  },
  { additionalProperties: false },
);

const EscalationLevel = T.Object(
  {
    level: T.Integer({ minimum: 1 }),
    /** The queue the ticket moves to (主管 → supervisor, 运营经理 → manager). */
    queue: Union(QUEUES),
    /** The role that answers for the ticket at this level. */
    role: Union(["supervisor", "manager"] as const),
    /** Minutes after the breach, counted on the breached clock's basis. */
    afterMinutes: T.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);

/** What a remedy item may be; `explanation` is words only and never an item of a decided remedy. */
export const REMEDY_ITEM_KINDS = [
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
] as const;

const RemedyItem = T.Object(
  {
    kind: Union(REMEDY_ITEM_KINDS),
    /** How the amount derives from the order: the whole paid amount, the affected items, a multiple, or fixed fen. */
    basis: T.Optional(Union(["paid", "items", "fixed"] as const)),
    multiplier: T.Optional(T.Number({ minimum: 0 })),
    fixedFen: T.Optional(T.Integer({ minimum: 0 })),
    payer: Union(["platform", "merchant", "rider", "logistics", "customer", "seller"] as const),
    deadlineHours: T.Optional(T.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);

/** Who verification (核实情况) may find liable; `none` is nobody's fault (e.g. past its shelf life). */
export const LIABLE_PARTIES = ["platform", "merchant", "rider", "logistics", "customer", "none"] as const;
/** The departments that carry out execution orders (执行单). */
export const DEPARTMENTS = ["merchant", "logistics", "warehouse", "finance"] as const;
/** Statutory rules a proposal knows and cites: 食品安全法第148条, 消费者权益保护法第55条. */
export const STATUTES = ["food_safety_148", "fraud_55"] as const;
export type LiableParty = (typeof LIABLE_PARTIES)[number];
export type Department = (typeof DEPARTMENTS)[number];

/** Another standard remedy for the same case; the one fitting the customer's expected resolution is proposed. */
const RemedyBundle = T.Object(
  { items: T.Array(RemedyItem, { minItems: 1 }), reason: Label },
  { additionalProperties: false },
);

const RemedyRule = T.Object(
  {
    category: Code,
    subTypes: T.Optional(T.Array(Code)),
    severity: T.Optional(Union(SEVERITIES)),
    /** Only when verification found one of these parties liable. */
    liability: T.Optional(T.Array(Union(LIABLE_PARTIES))),
    items: T.Array(RemedyItem, { minItems: 1 }),
    reason: Label,
    alternatives: T.Optional(T.Array(RemedyBundle)),
    /** Statutes such a case may meet once verified: the proposal names them until then. */
    statutes: T.Optional(T.Array(Union(STATUTES))),
  },
  { additionalProperties: false },
);

/** One department action and its time limit; the SLA section's named timers (resendHours…) win over it. */
const ExecutionStep = T.Object(
  {
    department: Union(DEPARTMENTS),
    hours: T.Integer({ minimum: 1 }),
    /** When set, "within n business days" on the business calendar instead of `hours`. */
    businessDays: T.Optional(T.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);

const RemedyPolicy = T.Object(
  {
    /** An agent decides alone up to these; above either, a supervisor approves. */
    approvalLimits: T.Object(
      { amountFen: T.Integer({ minimum: 0 }), compensationMultiple: T.Number({ minimum: 0 }) },
      { additionalProperties: false },
    ),
    /** The most compensation an order may carry, as a multiple of what was paid; a statutory floor above it still holds. */
    compensationCapMultiple: T.Number({ minimum: 0 }),
    /** Fresh and perishable goods: no seven-day no-reason return (消费者权益保护法第二十五条). */
    perishable: T.Boolean(),
    /** When verification finds the customer or nobody liable, or cannot confirm the claim. */
    noFault: T.Object(
      {
        items: T.Array(RemedyItem, { minItems: 1 }),
        reason: Label,
        alternatives: T.Optional(T.Array(RemedyBundle)),
      },
      { additionalProperties: false },
    ),
    execution: T.Object(
      {
        refund: ExecutionStep,
        compensation: ExecutionStep,
        resend: ExecutionStep,
        redeliver: ExecutionStep,
        pickup: ExecutionStep,
        inspection: ExecutionStep,
        repair: ExecutionStep,
      },
      { additionalProperties: false },
    ),
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
        firstResponseMinutes: Target,
        resolutionMinutes: Target,
        reviewMinutes: T.Optional(Minutes),
        /** "Review within 1 business day": due at the close of service on that working day. */
        reviewBusinessDays: T.Optional(T.Integer({ minimum: 1 })),
        progressUpdateMinutes: T.Optional(Minutes),
        resendHours: T.Optional(T.Integer({ minimum: 1 })),
        refundAfterReceiptHours: T.Optional(T.Integer({ minimum: 1 })),
        repairBusinessDays: T.Optional(T.Integer({ minimum: 1 })),
        compensationPaidHours: T.Optional(T.Integer({ minimum: 1 })),
        /** The merchant's time to verify a complaint (商家核实); past it the platform decides. */
        merchantVerificationHours: T.Optional(T.Integer({ minimum: 1 })),
        /** Who is liable when the merchant lets that time pass; the merchant unless the pack says otherwise. */
        merchantVerificationMissedLiable: T.Optional(Union(LIABLE_PARTIES)),
        reminderAtFraction: T.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 }),
        /** The clocks a ticket runs from intake; review and progressUpdate run when the pack sets their target. */
        clocks: T.Object(
          {
            firstResponse: ClockRule,
            resolution: ClockRule,
            review: T.Optional(ClockRule),
            progressUpdate: T.Optional(ClockRule),
          },
          { additionalProperties: false },
        ),
      },
      { additionalProperties: false },
    ),
    /** A missed deadline escalates agent → supervisor → operations manager (客服 → 主管 → 运营经理). */
    escalation: T.Object(
      { levels: T.Array(EscalationLevel, { minItems: 1 }) },
      { additionalProperties: false },
    ),
    remedies: T.Array(RemedyRule),
    remedyPolicy: RemedyPolicy,
    thresholds: T.Object(
      {
        repeatComplainant: T.Object(
          { windowDays: T.Integer({ minimum: 1 }), minPrevious: T.Integer({ minimum: 1 }) },
          { additionalProperties: false },
        ),
        batchIncident: T.Object(
          {
            count: T.Integer({ minimum: 2 }),
            windowHours: T.Integer({ minimum: 1 }),
            /** Complaints counted together ("category" or "category:subType"); none listed, none detected. */
            families: T.Optional(
              T.Array(
                T.Object(
                  { code: Code, labels: Label, match: T.Array(T.String({ minLength: 1 }), { minItems: 1 }) },
                  { additionalProperties: false },
                ),
              ),
            ),
            /** An abnormal rise: this hour's count of a family at a merchant against the same hour of past days. */
            volumeSpike: T.Optional(
              T.Object(
                {
                  baselineDays: T.Integer({ minimum: 1, maximum: 28 }),
                  factor: T.Number({ exclusiveMinimum: 1 }),
                  minCount: T.Integer({ minimum: 2 }),
                },
                { additionalProperties: false },
              ),
            ),
          },
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
        /** The survey goes out this long after resolution (default 60), so the result is told first; ≤ surveyWithinHours. */
        surveyDelayMinutes: T.Optional(T.Integer({ minimum: 0 })),
        /** How long the survey link stays valid (default 7 days). */
        surveyValidDays: T.Optional(T.Integer({ minimum: 1 })),
        /** A return visit falls due on day `min` after resolution and should be done by day `max`. */
        returnVisitDays: T.Object({ min: T.Integer({ minimum: 1 }), max: T.Integer({ minimum: 1 }) }),
        /** Share of ordinary cases visited (default 20); complex and repeat-customer cases always are. */
        returnVisitSamplePercent: T.Optional(T.Integer({ minimum: 0, maximum: 100 })),
        /** The quiet period: a resolved ticket the customer neither confirms nor contests closes after it (default 3). */
        autoCloseDays: T.Optional(T.Integer({ minimum: 1 })),
      },
      { additionalProperties: false },
    ),
    retention: T.Object({ months: T.Integer({ minimum: 1 }) }, { additionalProperties: false }),
    /** Reports: each KPI's target, and the categories that count as food problems on the merchant scorecard. */
    reports: T.Optional(
      T.Object(
        {
          targets: T.Object(
            {
              resolutionRate: T.Number({ minimum: 0, maximum: 1 }),
              satisfaction: T.Number({ minimum: 1, maximum: 5 }),
              handlingMinutes: Minutes,
            },
            { additionalProperties: false },
          ),
          foodProblemCategories: T.Array(Code, { minItems: 1 }),
        },
        { additionalProperties: false },
      ),
    ),
    /** Notices to customers: no non-urgent sends in the quiet hours (Beijing time), and SMS besides the channel. */
    notifications: T.Optional(
      T.Object(
        {
          quietHours: T.Optional(
            T.Object(
              {
                start: T.String({ pattern: "^([01]\\d|2[0-3]):[0-5]\\d$" }),
                end: T.String({ pattern: "^([01]\\d|2[0-3]):[0-5]\\d$" }),
              },
              { additionalProperties: false },
            ),
          ),
          smsWhenPhoneKnown: T.Boolean(),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export type PolicyPack = Static<typeof PolicyPackSchema>;
export type PackCategory = PolicyPack["categories"][number];
export type PackSubType = PackCategory["subTypes"][number];
export type SlaTarget = Static<typeof Target>;
export type PackClockRule = Static<typeof ClockRule>;
export type PackEscalationLevel = Static<typeof EscalationLevel>;
export type PackRemedyItem = Static<typeof RemedyItem>;
export type PackRemedyRule = Static<typeof RemedyRule>;
export type PackRemedyPolicy = Static<typeof RemedyPolicy>;
export type ExecutionAction = keyof PackRemedyPolicy["execution"];
