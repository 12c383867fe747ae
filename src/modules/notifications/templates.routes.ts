import type { FastifyInstance } from "fastify";
import { Type as T } from "typebox";
import type { AppContext } from "../../platform/context.ts";
import { AppError, text, validationError } from "../../platform/errors.ts";
import { ErrorSchema } from "../../platform/http.ts";
import { BUSINESS_LINES } from "../../policy-packs/schema.ts";
import { recordAudit } from "../privacy/privacy.commands.ts";
import { need, principalOf } from "../users/auth.ts";
import { customTemplates, findCustomTemplate, saveTemplate } from "./notifications.store.ts";
import { SHIPPED_TEMPLATES } from "./shipped-templates.ts";
import {
  ANY,
  LOCALES,
  NOTICE_CHANNELS,
  NOTICE_KINDS,
  type NoticeKind,
  pickTemplate,
  type TemplateKey,
  type TemplateProblem,
  templateProblems,
  VARIABLES,
} from "./templates.domain.ts";

const lit = <V extends readonly string[]>(values: V) => T.Union(values.map((v) => T.Literal(v)));
const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema };

const KeyParams = T.Object({
  businessLine: lit([ANY, ...BUSINESS_LINES] as const),
  channel: lit([ANY, ...NOTICE_CHANNELS] as const),
  locale: lit(LOCALES),
  kind: lit(NOTICE_KINDS),
});

const TemplateView = T.Object({
  businessLine: T.String(),
  channel: T.String(),
  locale: T.String(),
  kind: T.String(),
  subject: T.Union([T.String(), T.Null()]),
  body: T.String(),
  /** Where the text comes from: an admin's edit, or the shipped default. */
  source: lit(["custom", "shipped"] as const),
  /** The key the text is stored under (a more general one when this key has none of its own). */
  from: T.Object({ businessLine: T.String(), channel: T.String() }),
  variables: T.Array(T.String()),
  version: T.Union([T.Integer(), T.Null()]),
  updatedBy: T.Union([T.String(), T.Null()]),
  updatedAt: T.Union([T.String(), T.Null()]),
});

const PROBLEM_WORDS: Record<
  TemplateProblem["code"],
  (p: TemplateProblem, kind: NoticeKind) => [string, string]
> = {
  REQUIRED: () => ["请填写通知正文", "the text is required"],
  UNKNOWN_VARIABLE: (p, kind) => [
    `未知变量 {{${p.variable}}}，可用：${VARIABLES[kind].join("、")}`,
    `unknown variable {{${p.variable}}}; available: ${VARIABLES[kind].join(", ")}`,
  ],
  MALFORMED_PLACEHOLDER: () => ["变量写法有误，应为 {{名称}}", "a placeholder is malformed; write {{name}}"],
  TICKET_NO_REQUIRED: () => [
    "邮件主题必须包含 {{ticketNo}}，以便客户回复时找到服务单",
    "the e-mail subject must contain {{ticketNo}} so replies find their ticket",
  ],
  TOO_LONG: () => ["内容过长", "too long"],
};

/** Admins read and edit the notice templates; an edit naming a variable the kind does not offer is refused. */
export function templatesRoutes(app: FastifyInstance, ctx: AppContext): void {
  const view = async (key: TemplateKey) => {
    const [custom, own] = await Promise.all([customTemplates(ctx.db), findCustomTemplate(ctx.db, key)]);
    const picked = pickTemplate(key, custom, SHIPPED_TEMPLATES)!;
    return {
      ...key,
      subject: picked.template.subject,
      body: picked.template.body,
      source: picked.source,
      from: { businessLine: picked.key.businessLine, channel: picked.key.channel },
      variables: [...VARIABLES[key.kind]],
      version: own?.version ?? null,
      updatedBy: own?.updated_by ?? null,
      updatedAt: own ? new Date(own.updated_at).toISOString() : null,
    };
  };

  app.get(
    "/api/v1/notification-templates",
    {
      preValidation: need("notifications.templates"),
      schema: {
        tags: ["notifications"],
        summary: "The template in force for every kind of notice, for one business line, channel and locale",
        querystring: T.Object({
          businessLine: T.Optional(KeyParams.properties.businessLine),
          channel: T.Optional(KeyParams.properties.channel),
          locale: T.Optional(KeyParams.properties.locale),
        }),
        response: { 200: T.Object({ items: T.Array(TemplateView) }), ...errors },
      },
    },
    async (request) => {
      const q = request.query as { businessLine?: string; channel?: string; locale?: string };
      const base = {
        businessLine: q.businessLine ?? ANY,
        channel: q.channel ?? ANY,
        locale: q.locale ?? "zh-CN",
      };
      return { items: await Promise.all(NOTICE_KINDS.map((kind) => view({ ...base, kind }))) };
    },
  );

  const path = "/api/v1/notification-templates/:businessLine/:channel/:locale/:kind";
  app.get(
    path,
    {
      preValidation: need("notifications.templates"),
      schema: {
        tags: ["notifications"],
        summary: "One template (`*` for every business line or every channel)",
        params: KeyParams,
        response: { 200: TemplateView, ...errors },
      },
    },
    async (request) => view(request.params as TemplateKey),
  );

  app.put(
    path,
    {
      preValidation: need("notifications.templates"),
      schema: {
        tags: ["notifications"],
        summary:
          "Save a template; every {{variable}} must be one the kind offers, e-mail subjects carry {{ticketNo}}",
        params: KeyParams,
        body: T.Object({
          subject: T.Optional(T.Union([T.String({ maxLength: 1000 }), T.Null()])),
          body: T.String({ maxLength: 10_000 }),
        }),
        response: { 200: TemplateView, ...errors },
      },
    },
    async (request) => {
      const p = principalOf(request);
      const key = request.params as TemplateKey;
      const input = request.body as { subject?: string | null; body: string };
      const template = { subject: input.subject?.trim() ? input.subject : null, body: input.body };
      const problems = templateProblems(key.kind, key.channel, template);
      if (problems.length)
        throw validationError(
          problems.map((pr) => {
            const [zh, en] = PROBLEM_WORDS[pr.code](pr, key.kind);
            return { field: pr.field, code: pr.code, message: text(zh, en) };
          }),
        );
      if (!ctx.packs.has(key.businessLine as never) && key.businessLine !== ANY)
        throw new AppError("NOT_FOUND", 404, text("业务线不存在", "No such business line"));
      await saveTemplate(ctx.db, key, template, p.name, ctx.clock.now());
      await recordAudit(
        ctx.db,
        {
          actor: p.name,
          actorRole: p.role,
          action: "notifications.template",
          target: `${key.businessLine}/${key.channel}/${key.locale}/${key.kind}`,
          data: template,
        },
        ctx.clock.now(),
      );
      return view(key);
    },
  );
}
