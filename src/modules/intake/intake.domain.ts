import { type ErrorDetail, type Text, text } from "../../platform/errors.ts";
import {
  BUSINESS_LINES,
  type BusinessLine,
  CHANNELS,
  type Channel,
  type PackCategory,
  type PackSubType,
  type PolicyPack,
  type Queue,
  RESOLUTIONS,
  type Severity,
} from "../../policy-packs/schema.ts";
import type { BusinessCalendar } from "../sla/calendar.domain.ts";
import { type Clock, initialClocks, ticketDeadlines } from "../sla/sla.domain.ts";
import { priorityOf } from "../tickets/tickets.domain.ts";
import {
  classify,
  classifyReading,
  queueOf,
  severityOf,
  subTypeFromReading,
  subTypeOf,
  type TextReader,
} from "../triage/triage.domain.ts";

/**
 * Deciding one after-sales request: every check of the request against its order and its pack, and
 * the triage that follows. Pure: the caller looks up the order, the customer's recent complaints and the
 * attachments, and stores what comes back. Every problem is reported at once.
 */

/** The channels a customer uses by themself; there evidence must come with the claim. */
export const SELF_SERVICE_CHANNELS: readonly Channel[] = ["app", "web", "wechat"];

export const MAX_DESCRIPTION = 2000;
export const MAX_ATTACHMENTS = 9;

export interface IntakeOrder {
  orderNo: string;
  businessLine: string;
  customerPhone: string;
  merchantId: string;
  riderId: string | null;
  region: string;
}

export interface IntakeAttachment {
  id: string;
  kind: "image" | "video";
  ticketNo: string | null;
}

export interface IntakeFacts {
  order: IntakeOrder | null;
  previousComplaints: number;
  attachments: IntakeAttachment[];
  /** The business calendar the deadlines count in; the shipped holidays when not given. */
  calendar?: BusinessCalendar;
  /** The trained classifier and severity reader (triage v2); without it the pack's keyword rules triage. */
  readText?: TextReader;
}

export interface TicketDraft {
  businessLine: BusinessLine;
  packVersion: string;
  ticketPrefix: string;
  channel: Channel;
  customerPhone: string;
  customerName: string | null;
  orderNo: string;
  merchantId: string;
  riderId: string | null;
  region: string;
  category: string;
  subType: string | null;
  categorySource: "customer" | "triage";
  classifierCategory: string;
  /** The classifier's probability for its category, 0–1. */
  classifierConfidence: number;
  /** The customer chose a category and the classifier reads the text as another. */
  classifierDisagrees: boolean;
  /** The food-safety, health or injury words that made the text read as serious. */
  severitySignals: string[];
  /** The text says several people are affected ("好几个人都拉肚子"). */
  massAffected: boolean;
  severity: Severity;
  priority: number;
  urgent: boolean;
  queue: Queue;
  description: string;
  expectedResolution: string | null;
  occurredAt: Date | null;
  details: Record<string, unknown>;
  evidenceAwaited: boolean;
  attachmentIds: string[];
  firstResponseDueAt: Date;
  resolutionDueAt: Date;
  /** The SLA clocks started at intake; the two deadlines above are theirs. */
  clocks: Clock[];
  receivedAt: Date;
}

export type IntakeDecision = { ok: true; draft: TicketDraft } | { ok: false; details: ErrorDetail[] };

const PHONE = /^1[3-9]\d{9}$/;

/** An 11-digit mainland China mobile number, once normalised. */
export const isMobilePhone = (phone: string): boolean => PHONE.test(phone);

/**
 * A problem for each named file that was never uploaded or already belongs to a ticket: only a fresh
 * upload may join one, so nobody attaches another customer's photo by its id.
 */
export function unusableAttachments(
  ids: readonly string[],
  found: readonly IntakeAttachment[],
): ErrorDetail[] {
  const known = new Map(found.map((a) => [a.id, a]));
  return [...new Set(ids)]
    .filter((id) => known.get(id)?.ticketNo !== null)
    .map((id) =>
      detail(
        "attachmentIds",
        "UNKNOWN_ATTACHMENT",
        text(`附件 ${id} 不存在或已被使用，请重新上传`, `attachment ${id} does not exist or is already used`),
      ),
    );
}

/** The detail naming a phone field that is not such a number. */
export const invalidPhone = (field: string): ErrorDetail => ({
  field,
  code: "INVALID_PHONE",
  message: text(
    "手机号格式不正确，请填写11位中国大陆手机号",
    "Please enter an 11-digit mainland China mobile number",
  ),
});

/** "+86 138-0013-8000" and "138 0013 8000" are the same number as "13800138000". */
export function normalisePhone(raw: string): string {
  return raw.replace(/[\s-]/g, "").replace(/^(\+?86)(?=1\d{10}$)/, "");
}

/** Characters as people count them: one per Chinese character or emoji, not per UTF-16 unit. */
export const charCount = (value: string): number => [...value.trim()].length;

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * An ISO-8601 time. Without an offset it is Beijing time, where the customer lives, whatever zone the
 * server runs in; anything that is not ISO-8601 (e.g. "1", "Nov 24") is refused, not guessed.
 */
export function parseLocalTime(value: string): Date | null {
  const m = ISO_TIME.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, sec, zone] = m;
  const offset =
    zone === undefined
      ? "+08:00"
      : zone === "Z"
        ? "Z"
        : zone.includes(":")
          ? zone
          : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const at = new Date(`${y}-${mo}-${d}T${h}:${mi}:${sec ?? "00"}${offset}`);
  // Reject dates that roll over (2026-02-30) rather than silently moving them.
  if (Number.isNaN(at.getTime()) || Number(d) > new Date(Date.UTC(Number(y), Number(mo), 0)).getUTCDate())
    return null;
  return at;
}

function detail(field: string, code: string, message: Text): ErrorDetail {
  return { field, code, message };
}

export function decideIntake(
  body: Record<string, unknown>,
  facts: IntakeFacts,
  packs: ReadonlyMap<BusinessLine, PolicyPack>,
  now: Date,
): IntakeDecision {
  const details: ErrorDetail[] = [];
  const add = (field: string, code: string, zh: string, en: string) =>
    details.push(detail(field, code, text(zh, en)));

  const channel = str(body.channel) as Channel | undefined;
  if (body.channel === undefined || body.channel === null || body.channel === "")
    add("channel", "REQUIRED", "请填写受理渠道", "channel is required");
  else if (channel === undefined || !CHANNELS.includes(channel))
    add("channel", "INVALID_CHANNEL", "受理渠道不正确", `channel must be one of ${CHANNELS.join(", ")}`);

  const rawPhone = str(body.phone);
  const phone = rawPhone === undefined ? undefined : normalisePhone(rawPhone);
  if (body.phone === undefined || body.phone === null || rawPhone?.trim() === "")
    add("phone", "REQUIRED", "请填写手机号", "Please enter your mobile number");
  else if (phone === undefined || !isMobilePhone(phone)) details.push(invalidPhone("phone"));

  const orderNo = str(body.orderNo)?.trim();
  if (!orderNo) add("orderNo", "REQUIRED", "请填写订单号", "Please enter the order number");

  let line = str(body.businessLine) as BusinessLine | undefined;
  if (line !== undefined && !BUSINESS_LINES.includes(line)) {
    add(
      "businessLine",
      "INVALID_BUSINESS_LINE",
      "业务线不正确",
      `businessLine must be one of ${BUSINESS_LINES.join(", ")}`,
    );
    line = undefined;
  }

  // The same answer whether the order does not exist or belongs to someone else: no hint of whose it is.
  const order = facts.order && phone && facts.order.customerPhone === phone ? facts.order : null;
  if (orderNo && phone && PHONE.test(phone) && !order)
    add(
      "orderNo",
      "ORDER_NOT_FOUND",
      "未找到该手机号下的这笔订单，请核对订单号和手机号",
      "No order with this number was found for this phone",
    );
  if (order && line && order.businessLine !== line)
    add(
      "businessLine",
      "ORDER_LINE_MISMATCH",
      "订单不属于所选业务线",
      "The order does not belong to this business line",
    );
  const pack = packs.get((line ?? order?.businessLine) as BusinessLine);

  const description = str(body.description) ?? "";
  if (body.description !== undefined && typeof body.description !== "string")
    add("description", "INVALID_TYPE", "问题描述必须是文字", "description must be text");
  else if (charCount(description) === 0)
    add("description", "REQUIRED", "请描述遇到的问题", "Please describe the problem");
  else if (charCount(description) > MAX_DESCRIPTION)
    add(
      "description",
      "TOO_LONG",
      `问题描述不能超过${MAX_DESCRIPTION}字`,
      `Please keep the description within ${MAX_DESCRIPTION} characters`,
    );
  else if (pack && channel) {
    const min =
      (pack.descriptionMinLength as Record<string, number>)[channel] ?? pack.descriptionMinLength.default;
    if (charCount(description) < min)
      add(
        "description",
        "TOO_SHORT",
        `问题描述至少需要${min}字（当前${charCount(description)}字）`,
        `Please describe the problem in at least ${min} characters (${charCount(description)} so far)`,
      );
  }

  const name = body.name === undefined || body.name === null ? null : str(body.name);
  if (name === undefined || (name !== null && charCount(name) > 50))
    add("name", "INVALID_NAME", "姓名须为不超过50字的文字", "name must be text of at most 50 characters");

  let category: PackCategory | undefined;
  let subType: PackSubType | null = null;
  const categoryCode = str(body.category);
  if (body.category !== undefined && body.category !== null && pack) {
    category = pack.categories.find((c) => c.code === categoryCode);
    if (!category)
      add(
        "category",
        "UNKNOWN_CATEGORY",
        "问题类型不属于该业务线",
        `category must be one of ${pack.categories.map((c) => c.code).join(", ")}`,
      );
  }
  const subTypeCode = str(body.subType);
  if (body.subType !== undefined && body.subType !== null && category) {
    subType = category.subTypes.find((s) => s.code === subTypeCode) ?? null;
    if (!subType)
      add(
        "subType",
        "UNKNOWN_SUB_TYPE",
        "问题子类型不属于该问题类型",
        `subType must be one of ${category.subTypes.map((s) => s.code).join(", ")}`,
      );
  }

  const expected = body.expectedResolution;
  if (expected !== undefined && expected !== null) {
    const allowed = pack?.expectedResolutions ?? RESOLUTIONS;
    if (typeof expected !== "string" || !(allowed as readonly string[]).includes(expected))
      add(
        "expectedResolution",
        "UNKNOWN_RESOLUTION",
        "期望的处理方式不在可选范围内",
        `expectedResolution must be one of ${allowed.join(", ")}`,
      );
  }

  let occurredAt: Date | null = null;
  if (body.occurredAt !== undefined && body.occurredAt !== null) {
    occurredAt = typeof body.occurredAt === "string" ? parseLocalTime(body.occurredAt) : null;
    if (!occurredAt)
      add("occurredAt", "INVALID_TIME", "发生时间格式不正确", "occurredAt must be an ISO-8601 time");
    else if (occurredAt.getTime() > now.getTime() + 5 * 60_000)
      add("occurredAt", "IN_FUTURE", "发生时间不能晚于现在", "occurredAt cannot be in the future");
  }

  if (body.urgent !== undefined && typeof body.urgent !== "boolean")
    add("urgent", "INVALID_TYPE", "加急标记必须是 true 或 false", "urgent must be true or false");
  const urgent = body.urgent === true;

  const attachmentIds = Array.isArray(body.attachmentIds) ? body.attachmentIds : [];
  if (
    body.attachmentIds !== undefined &&
    (!Array.isArray(body.attachmentIds) || attachmentIds.some((a) => typeof a !== "string"))
  )
    add("attachmentIds", "INVALID_TYPE", "附件编号格式不正确", "attachmentIds must be a list of ids");
  else if (new Set(attachmentIds).size > MAX_ATTACHMENTS)
    add(
      "attachmentIds",
      "TOO_MANY",
      `最多上传${MAX_ATTACHMENTS}个附件`,
      `at most ${MAX_ATTACHMENTS} attachments`,
    );
  else details.push(...unusableAttachments(attachmentIds as string[], facts.attachments));

  const foreignObject = body.foreignObject as Record<string, unknown> | undefined | null;
  if (
    foreignObject !== undefined &&
    foreignObject !== null &&
    (typeof foreignObject !== "object" || Array.isArray(foreignObject))
  )
    add(
      "foreignObject",
      "INVALID_TYPE",
      "异物信息格式不正确",
      "foreignObject must be an object with colour, shape and size",
    );

  // Triage v2 when the caller brings a text reader (the trained classifier), else the pack's keyword rules.
  const reading = pack && description.trim() ? (facts.readText?.(pack, description) ?? null) : null;
  const triaged = pack ? (reading ? classifyReading(pack, reading) : classify(pack, description)) : null;
  const subTypeWithin = (c: PackCategory) =>
    reading ? subTypeFromReading(c, reading) : subTypeOf(pack!, c, description);

  if (!pack || !channel || !CHANNELS.includes(channel) || !order || details.length > 0) {
    // Judge the evidence rule too when enough is known, so the customer fixes everything in one go.
    if (pack && channel && CHANNELS.includes(channel) && order)
      foreignObjectProblems(
        pack,
        channel,
        body,
        description,
        category ?? triaged!.category,
        subType ?? subTypeWithin(category ?? triaged!.category),
        facts,
        details,
      );
    return { ok: false, details };
  }

  const finalCategory = category ?? triaged!.category;
  const finalSubType = subType ?? subTypeWithin(finalCategory);
  const evidence = foreignObjectProblems(
    pack,
    channel,
    body,
    description,
    finalCategory,
    finalSubType,
    facts,
    details,
  );
  if (details.length > 0) return { ok: false, details };

  const severity = severityOf(pack, {
    description,
    urgent,
    subType: finalSubType,
    reading: reading?.severity,
  });
  const clocks = initialClocks(pack, { category: finalCategory.code, severity, urgent }, now, facts.calendar);
  const deadlines = ticketDeadlines(clocks);
  return {
    ok: true,
    draft: {
      businessLine: pack.businessLine,
      packVersion: pack.version,
      ticketPrefix: pack.ticketPrefix,
      channel,
      customerPhone: phone!,
      customerName: name?.trim() || null,
      orderNo: order.orderNo,
      merchantId: order.merchantId,
      riderId: order.riderId,
      region: order.region,
      category: finalCategory.code,
      subType: finalSubType?.code ?? null,
      categorySource: category ? "customer" : "triage",
      classifierCategory: triaged!.category.code,
      classifierConfidence: triaged!.confidence,
      classifierDisagrees: category !== undefined && category.code !== triaged!.category.code,
      severitySignals: reading?.severity.serious ?? [],
      massAffected: reading?.severity.massAffected ?? false,
      severity,
      priority: priorityOf(severity, urgent),
      urgent,
      queue: queueOf(pack, finalCategory, facts.previousComplaints),
      description: description.trim(),
      expectedResolution: (expected as string | undefined) ?? null,
      occurredAt,
      details: evidence.foreignObject ? { foreignObject: evidence.foreignObject } : {},
      evidenceAwaited: evidence.awaited,
      attachmentIds: [...new Set(attachmentIds as string[])],
      firstResponseDueAt: deadlines.firstResponseDueAt!,
      resolutionDueAt: deadlines.resolutionDueAt!,
      clocks,
      receivedAt: now,
    },
  };
}

/**
 * A foreign-object claim needs a photo and the object's colour, shape and size. A customer on a
 * self-service channel must bring them now; an agent taking a call may register first and the ticket
 * then shows that evidence is awaited.
 */
function foreignObjectProblems(
  pack: PolicyPack,
  channel: Channel,
  body: Record<string, unknown>,
  description: string,
  category: PackCategory | undefined,
  subType: PackSubType | null,
  facts: IntakeFacts,
  details: ErrorDetail[],
): { awaited: boolean; foreignObject: Record<string, string> | null } {
  const sub = subType ?? (category ? subTypeOf(pack, category, description) : null);
  const raw = (
    body.foreignObject && typeof body.foreignObject === "object" ? body.foreignObject : {}
  ) as Record<string, unknown>;
  const described = ["colour", "shape", "size"].every(
    (k) => typeof raw[k] === "string" && (raw[k] as string).trim() !== "",
  );
  const foreignObject = described
    ? { colour: String(raw.colour).trim(), shape: String(raw.shape).trim(), size: String(raw.size).trim() }
    : null;
  if (!sub?.requiresForeignObjectEvidence) return { awaited: false, foreignObject };
  const ids = new Set(Array.isArray(body.attachmentIds) ? (body.attachmentIds as string[]) : []);
  const hasPhoto = facts.attachments.some((a) => ids.has(a.id) && a.kind === "image");
  if (hasPhoto && described) return { awaited: false, foreignObject };
  if (SELF_SERVICE_CHANNELS.includes(channel)) {
    details.push(
      detail(
        hasPhoto ? "foreignObject" : "attachmentIds",
        "FOREIGN_OBJECT_EVIDENCE_REQUIRED",
        text(
          "异物问题请上传异物照片，并填写异物的颜色、形状和大小",
          "For a foreign object, upload a photo and give its colour, shape and size",
        ),
      ),
    );
    return { awaited: false, foreignObject };
  }
  return { awaited: true, foreignObject };
}

/** Where each line's repeat-complainant window begins as of `now`: earlier tickets of the phone don't count. */
export function complaintWindowStarts(
  packs: ReadonlyMap<BusinessLine, PolicyPack>,
  now: Date,
): Record<string, Date> {
  return Object.fromEntries(
    [...packs].map(([line, pack]) => [
      line,
      new Date(now.getTime() - pack.thresholds.repeatComplainant.windowDays * 86_400_000),
    ]),
  );
}

/**
 * The customer's e-mail address, optional on every channel: where notices go for a request that came by
 * e-mail. Kept in the ticket's details as `contactEmail`.
 */
export function contactEmailOf(value: unknown): { email: string | null; problem: ErrorDetail | null } {
  if (value === undefined || value === null || value === "") return { email: null, problem: null };
  const email = typeof value === "string" ? value.trim() : "";
  if (email.length <= 254 && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) return { email, problem: null };
  return {
    email: null,
    problem: detail("email", "INVALID_EMAIL", text("邮箱地址格式不正确", "not a valid e-mail address")),
  };
}
