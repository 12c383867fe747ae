import type { FastifyInstance, FastifyRequest } from "fastify";
import { Type as T } from "typebox";
import type { Db } from "../../db/database.ts";
import type { AppContext } from "../../platform/context.ts";
import { conflict, notFound, text, validationError } from "../../platform/errors.ts";
import { ErrorSchema, localeOf } from "../../platform/http.ts";
import { randomId } from "../../platform/ids.ts";
import { BUSINESS_LINES } from "../../policy-packs/schema.ts";
import { KnowledgeIndex } from "../nlp/faq.ts";
import { KNOWLEDGE_KINDS, type KnowledgeKind, shippedKnowledge, shippedSynonyms } from "../nlp/knowledge.ts";
import { anonymousRateLimit, need, principalOf } from "../users/auth.ts";
import { allows } from "../users/roles.ts";
import {
  checkEntry,
  type EntryInput,
  fillFaqAnswer,
  PUBLIC_KINDS,
  renderMacro,
  STATUSES,
} from "./knowledge.domain.ts";
import {
  createEntry,
  currentRevision,
  findEntry,
  listEntries,
  listVersions,
  publishedEntries,
  type StoredEntry,
  seedKnowledge,
  updateEntry,
} from "./knowledge.store.ts";

/**
 * The knowledge base over HTTP: FAQ matching for the chat bot, search for customers (FAQ and usage
 * guides, on the H5 pages) and for staff (everything, cases and canned replies included), and versioned
 * editing by admins. Each process keeps a search index and rebuilds it when the revision counter in the
 * database moves, so an edit made through any process is searchable everywhere on the next query.
 */

const lit = <V extends readonly string[]>(values: V) => T.Union(values.map((v) => T.Literal(v)));
const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };

const Entry = T.Object({
  id: T.String(),
  kind: lit(KNOWLEDGE_KINDS),
  businessLines: T.Array(T.String()),
  title: T.String(),
  body: T.String(),
  tags: T.Array(T.String()),
  data: T.Record(T.String(), T.Unknown()),
  status: T.String(),
  version: T.Integer(),
  updatedAt: T.String(),
});

const EntryBody = T.Object({
  id: T.Optional(T.String({ pattern: "^[a-z][a-z0-9_.-]{2,80}$" })),
  kind: T.Optional(lit(KNOWLEDGE_KINDS)),
  businessLines: T.Optional(T.Array(T.String(), { maxItems: 5 })),
  title: T.Optional(T.String()),
  body: T.Optional(T.String()),
  tags: T.Optional(T.Array(T.String())),
  data: T.Optional(T.Record(T.String(), T.Unknown())),
  status: T.Optional(lit(STATUSES)),
  expectedVersion: T.Optional(
    T.Integer({ minimum: 1, description: "required on update: the version edited" }),
  ),
  note: T.Optional(T.String({ maxLength: 500, description: "why it changed" })),
});

const entryOut = (e: StoredEntry) => ({
  id: e.id,
  kind: e.kind,
  businessLines: e.businessLines,
  title: e.title,
  body: e.body,
  tags: e.tags,
  data: e.data,
  status: e.status,
  version: e.version,
  updatedAt: e.updatedAt.toISOString(),
});

interface Cached {
  revision: number;
  index: KnowledgeIndex;
}

const seeded = new WeakMap<Db, Promise<void>>();
const indexes = new WeakMap<Db, Cached>();
const synonyms = shippedSynonyms();

/** The shipped entries are added once per database (and per process, cheaply, when new ones ship). */
function ensureSeeded(ctx: AppContext): Promise<void> {
  let done = seeded.get(ctx.db);
  if (!done) {
    done = seedKnowledge(ctx.db, shippedKnowledge(), ctx.clock.now()).then(() => undefined);
    done.catch(() => seeded.delete(ctx.db));
    seeded.set(ctx.db, done);
  }
  return done;
}

export async function indexOf(ctx: AppContext): Promise<KnowledgeIndex> {
  await ensureSeeded(ctx);
  const revision = await currentRevision(ctx.db);
  const cached = indexes.get(ctx.db);
  if (cached && cached.revision === revision) return cached.index;
  const index = new KnowledgeIndex(await publishedEntries(ctx.db), synonyms);
  indexes.set(ctx.db, { revision, index });
  return index;
}

/** Staff with the knowledge permission see every kind; customers see FAQ and guides. */
const kindsFor = (request: FastifyRequest): readonly KnowledgeKind[] =>
  request.principal && allows(request.principal, "knowledge.read") ? KNOWLEDGE_KINDS : PUBLIC_KINDS;

const entryNotFound = () => notFound(text("知识条目", "Knowledge entry"));

export function knowledgeRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    "/api/v1/knowledge/faq/match",
    {
      config: anonymousRateLimit(ctx),
      schema: {
        tags: ["knowledge"],
        summary: "The chat bot's brain: the best FAQ answer to a question, or a hand-over when not confident",
        querystring: T.Object({
          q: T.String({ minLength: 1, maxLength: 500 }),
          businessLine: T.Optional(lit(BUSINESS_LINES)),
        }),
        response: {
          200: T.Object({
            answered: T.Boolean(),
            handover: T.Boolean({ description: "true: no confident answer, hand over to a person" }),
            confidence: T.Number(),
            answer: T.Union([
              T.Object({ id: T.String(), intent: T.String(), question: T.String(), text: T.String() }),
              T.Null(),
            ]),
            candidates: T.Array(
              T.Object({ id: T.String(), intent: T.String(), question: T.String(), confidence: T.Number() }),
            ),
          }),
          400: ErrorSchema,
          429: ErrorSchema,
        },
      },
    },
    async (request) => {
      const { q, businessLine } = request.query as { q: string; businessLine?: string };
      const match = (await indexOf(ctx)).matchFaq(q, businessLine);
      return {
        answered: match.answered,
        handover: !match.answered || match.entry?.data.intent === "human_agent",
        confidence: match.confidence,
        answer: match.entry
          ? {
              id: match.entry.id,
              intent: String(match.entry.data.intent ?? ""),
              question: match.entry.title,
              text: fillFaqAnswer(match.entry.body, localeOf(request)),
            }
          : null,
        candidates: match.candidates,
      };
    },
  );

  app.get(
    "/api/v1/knowledge/search",
    {
      config: anonymousRateLimit(ctx),
      schema: {
        tags: ["knowledge"],
        summary: "Search the knowledge base (customers: FAQ and usage guides; staff: everything)",
        querystring: T.Object({
          q: T.String({ minLength: 1, maxLength: 200 }),
          businessLine: T.Optional(lit(BUSINESS_LINES)),
          kind: T.Optional(lit(KNOWLEDGE_KINDS)),
          limit: T.Optional(T.Integer({ minimum: 1, maximum: 50, default: 10 })),
        }),
        response: {
          200: T.Object({ items: T.Array(T.Object({ ...Entry.properties, score: T.Number() })) }),
          400: ErrorSchema,
          429: ErrorSchema,
        },
      },
    },
    async (request) => {
      const query = request.query as {
        q: string;
        businessLine?: string;
        kind?: KnowledgeKind;
        limit?: number;
      };
      const allowed = kindsFor(request);
      const kinds = query.kind ? allowed.filter((k) => k === query.kind) : allowed;
      const results = (await indexOf(ctx)).search(query.q, {
        kinds,
        businessLine: query.businessLine,
        limit: query.limit ?? 10,
      });
      // A customer reads the answers as they are; staff see the placeholders their canned replies fill.
      const forCustomer = !(request.principal && allows(request.principal, "knowledge.read"));
      return {
        items: results.map((r) => {
          const entry = entryOut(r.entry as StoredEntry);
          const body = forCustomer ? fillFaqAnswer(entry.body, localeOf(request)) : entry.body;
          return { ...entry, body, score: r.score };
        }),
      };
    },
  );

  app.get(
    "/api/v1/knowledge/entries",
    {
      preValidation: need("knowledge.read"),
      schema: {
        tags: ["knowledge"],
        summary: "List knowledge entries (staff), paged",
        querystring: T.Object({
          kind: T.Optional(lit(KNOWLEDGE_KINDS)),
          businessLine: T.Optional(lit(BUSINESS_LINES)),
          status: T.Optional(lit(STATUSES)),
          limit: T.Optional(T.Integer({ minimum: 1, maximum: 200, default: 50 })),
          offset: T.Optional(T.Integer({ minimum: 0, default: 0 })),
        }),
        response: {
          200: T.Object({
            items: T.Array(Entry),
            total: T.Integer(),
            limit: T.Integer(),
            offset: T.Integer(),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      await ensureSeeded(ctx);
      const q = request.query as Record<string, string | number | undefined>;
      const limit = Number(q.limit ?? 50);
      const offset = Number(q.offset ?? 0);
      const result = await listEntries(ctx.db, {
        kind: q.kind as string | undefined,
        businessLine: q.businessLine as string | undefined,
        status: q.status as string | undefined,
        limit,
        offset,
      });
      return { items: result.items.map(entryOut), total: result.total, limit, offset };
    },
  );

  app.get(
    "/api/v1/knowledge/entries/:id",
    {
      schema: {
        tags: ["knowledge"],
        summary: "One knowledge entry (customers: published FAQ and guides only)",
        params: T.Object({ id: T.String() }),
        response: { 200: Entry, ...errors },
      },
    },
    async (request) => {
      await ensureSeeded(ctx);
      const { id } = request.params as { id: string };
      const entry = await findEntry(ctx.db, id);
      const staff = kindsFor(request) === KNOWLEDGE_KINDS;
      if (!entry || (!staff && (entry.status !== "published" || !PUBLIC_KINDS.includes(entry.kind))))
        throw entryNotFound();
      return entryOut(entry);
    },
  );

  app.get(
    "/api/v1/knowledge/entries/:id/versions",
    {
      preValidation: need("knowledge.read"),
      schema: {
        tags: ["knowledge"],
        summary: "Every version of an entry, newest first: who changed what, when and why",
        params: T.Object({ id: T.String() }),
        response: {
          200: T.Object({
            items: T.Array(
              T.Object({
                version: T.Integer(),
                title: T.String(),
                body: T.String(),
                businessLines: T.Array(T.String()),
                tags: T.Array(T.String()),
                data: T.Record(T.String(), T.Unknown()),
                status: T.String(),
                editedBy: T.String(),
                editedAt: T.String(),
                note: T.Union([T.String(), T.Null()]),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      await ensureSeeded(ctx);
      const { id } = request.params as { id: string };
      const versions = await listVersions(ctx.db, id);
      if (versions.length === 0) throw entryNotFound();
      return {
        items: versions.map((v) => ({
          version: v.version,
          title: v.title,
          body: v.body,
          businessLines: v.business_lines,
          tags: v.tags,
          data: v.data,
          status: v.status,
          editedBy: v.edited_by_name,
          editedAt: v.edited_at.toISOString(),
          note: v.note,
        })),
      };
    },
  );

  app.post(
    "/api/v1/knowledge/entries",
    {
      preValidation: need("knowledge.edit"),
      schema: {
        tags: ["knowledge"],
        summary: "Add a knowledge entry (admin); it is searchable at once",
        body: EntryBody,
        response: { 201: Entry, ...errors },
      },
    },
    async (request, reply) => {
      await ensureSeeded(ctx);
      const p = principalOf(request);
      const body = request.body as Partial<EntryInput> & { id?: string; note?: string };
      const checked = checkEntry(body);
      if (!checked.ok) throw validationError(checked.details);
      const id =
        body.id ??
        `${checked.entry.kind}.${randomId(6)
          .toLowerCase()
          .replace(/[^a-z0-9]/g, "x")}`;
      const created = await createEntry(
        ctx.db,
        id,
        checked.entry,
        { id: p.id, name: p.name },
        ctx.clock.now(),
        body.note ?? null,
      );
      if (!created)
        throw conflict("ENTRY_EXISTS", text("该编号的知识条目已存在", "An entry with this id exists"));
      return reply.status(201).send(entryOut(created));
    },
  );

  app.put(
    "/api/v1/knowledge/entries/:id",
    {
      preValidation: need("knowledge.edit"),
      schema: {
        tags: ["knowledge"],
        summary: "Publish a new version of an entry (admin); `status: archived` takes it out of search",
        params: T.Object({ id: T.String() }),
        body: EntryBody,
        response: { 200: Entry, ...errors },
      },
    },
    async (request) => {
      await ensureSeeded(ctx);
      const p = principalOf(request);
      const { id } = request.params as { id: string };
      const body = request.body as Partial<EntryInput> & { expectedVersion?: number; note?: string };
      const current = await findEntry(ctx.db, id);
      if (!current) throw entryNotFound();
      if (body.expectedVersion === undefined)
        throw validationError([
          {
            field: "expectedVersion",
            code: "REQUIRED",
            message: text("请提供所编辑的版本号", "expectedVersion is required"),
          },
        ]);
      // Fields left out keep their current value: a new version is the old one with the changes applied.
      const checked = checkEntry(
        {
          kind: body.kind ?? current.kind,
          businessLines: body.businessLines ?? current.businessLines,
          title: body.title ?? current.title,
          body: body.body ?? current.body,
          tags: body.tags ?? current.tags,
          data: body.data ?? current.data,
          status: body.status ?? current.status,
        },
        current,
      );
      if (!checked.ok) throw validationError(checked.details);
      const updated = await updateEntry(
        ctx.db,
        id,
        body.expectedVersion,
        checked.entry,
        { id: p.id, name: p.name },
        ctx.clock.now(),
        body.note ?? null,
      );
      if (updated === null) throw entryNotFound();
      if (updated === "conflict")
        throw conflict(
          "VERSION_CONFLICT",
          text(
            "该条目已被他人修改，请刷新后再编辑",
            "The entry changed since you loaded it; reload and edit again",
          ),
        );
      return entryOut(updated);
    },
  );

  app.post(
    "/api/v1/knowledge/macros/:id/render",
    {
      preValidation: need("knowledge.read"),
      schema: {
        tags: ["knowledge"],
        summary: "Fill a canned reply's variables for an agent",
        params: T.Object({ id: T.String() }),
        body: T.Object({ variables: T.Record(T.String(), T.Union([T.String(), T.Number()])) }),
        response: {
          200: T.Object({ id: T.String(), text: T.String(), missing: T.Array(T.String()) }),
          ...errors,
        },
      },
    },
    async (request) => {
      await ensureSeeded(ctx);
      const { id } = request.params as { id: string };
      const entry = await findEntry(ctx.db, id);
      if (entry?.kind !== "macro" || entry.status !== "published") throw entryNotFound();
      const { variables } = request.body as { variables: Record<string, string | number> };
      return { id, ...renderMacro(entry.body, variables) };
    },
  );
}
