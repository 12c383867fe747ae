import type { FastifyInstance, FastifyRequest } from "fastify";
import { Type as T } from "typebox";
import type { AppContext } from "../../platform/context.ts";
import { AppError, text, validationError } from "../../platform/errors.ts";
import { ErrorSchema } from "../../platform/http.ts";
import { passwordProblem, verifyPassword } from "../../platform/passwords.ts";
import { recordAudit } from "../privacy/privacy.commands.ts";
import { apiKeysOf } from "./api-key-cache.ts";
import { need, principalOf } from "./auth.ts";
import { LoginThrottle } from "./login-throttle.ts";
import { PERMISSIONS, ROLES, type Role } from "./roles.ts";
import {
  createApiKey,
  createSession,
  createUser,
  deleteSession,
  findUserByName,
  revokeApiKey,
} from "./users.store.ts";

const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 429: ErrorSchema };

export function usersRoutes(app: FastifyInstance, ctx: AppContext): void {
  const throttle = new LoginThrottle(ctx.db);
  const audit = (request: FastifyRequest, action: string, target: string, data: Record<string, unknown>) => {
    const who = principalOf(request);
    return recordAudit(
      ctx.db,
      { actor: who.name, actorRole: who.role, action, target, data },
      ctx.clock.now(),
    );
  };

  app.post(
    "/api/v1/auth/login",
    {
      config: { rateLimit: { max: 30, timeWindow: "1 minute" } },
      schema: {
        tags: ["auth"],
        summary: "Staff login",
        body: T.Object({
          username: T.String({ minLength: 1, maxLength: 64 }),
          password: T.String({ minLength: 1, maxLength: 256 }),
        }),
        response: {
          200: T.Object({
            token: T.String(),
            expiresAt: T.String(),
            role: T.String(),
            displayName: T.String(),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const { username, password } = request.body as { username: string; password: string };
      const now = ctx.clock.now();
      const lockedFor = await throttle.lockedSeconds(username, now);
      if (lockedFor > 0)
        throw new AppError(
          "ACCOUNT_LOCKED",
          429,
          text(
            `登录失败次数过多，请${Math.ceil(lockedFor / 60)}分钟后再试`,
            `Too many failed logins; try again in ${Math.ceil(lockedFor / 60)} min`,
          ),
          [],
          { "retry-after": String(lockedFor) },
        );
      const user = await findUserByName(ctx.db, username);
      // The same answer for an unknown user and a wrong password: no hint which names exist.
      if (!user || !(await verifyPassword(user.password_hash, password))) {
        await throttle.failed(username, now);
        throw new AppError(
          "INVALID_CREDENTIALS",
          401,
          text("用户名或密码错误", "Wrong username or password"),
        );
      }
      await throttle.succeeded(username);
      const session = await createSession(ctx.db, user.id, now, ctx.config.sessionTtlMinutes);
      return {
        token: session.token,
        expiresAt: session.expiresAt.toISOString(),
        role: user.role,
        displayName: user.display_name,
      };
    },
  );

  app.post(
    "/api/v1/auth/logout",
    { schema: { tags: ["auth"], summary: "End this session", response: { 204: T.Null(), ...errors } } },
    async (request, reply) => {
      principalOf(request);
      const token = request.headers.authorization?.slice(7).trim();
      if (token) await deleteSession(ctx.db, token);
      reply.status(204).send(null);
    },
  );

  app.get(
    "/api/v1/auth/me",
    {
      schema: {
        tags: ["auth"],
        summary: "Who is logged in",
        response: {
          200: T.Object({
            username: T.String(),
            role: T.String(),
            merchantIds: T.Array(T.String()),
            permissions: T.Array(T.String()),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const p = principalOf(request);
      const permissions = Object.entries(PERMISSIONS)
        .filter(([, roles]) => (roles as readonly string[]).includes(p.role))
        .map(([name]) => name);
      return { username: p.name, role: p.role, merchantIds: p.merchantIds, permissions };
    },
  );

  app.post(
    "/api/v1/users",
    {
      preValidation: need("users.manage"),
      schema: {
        tags: ["users"],
        summary: "Create a staff, merchant or rider user",
        body: T.Object({
          username: T.String({ pattern: "^[a-zA-Z0-9_.-]{3,32}$" }),
          displayName: T.String({ minLength: 1, maxLength: 50 }),
          password: T.String({ maxLength: 256 }),
          role: T.Union(ROLES.map((r) => T.Literal(r))),
          // Ids as orders carry them (1–64): an empty rider id would scope a rider to nothing at all.
          merchantIds: T.Optional(T.Array(T.String({ minLength: 1, maxLength: 64 }), { maxItems: 100 })),
          riderId: T.Optional(T.String({ minLength: 1, maxLength: 64 })),
        }),
        response: { 201: T.Object({ id: T.String() }), 409: ErrorSchema, ...errors },
      },
    },
    async (request, reply) => {
      const body = request.body as {
        username: string;
        displayName: string;
        password: string;
        role: Role;
        merchantIds?: string[];
        riderId?: string;
      };
      const problem = passwordProblem(body.password);
      if (problem)
        throw validationError([
          {
            field: "password",
            code: "WEAK_PASSWORD",
            message: text("密码至少10位，且包含字母和数字", `password needs ${problem}`),
          },
        ]);
      if (await findUserByName(ctx.db, body.username))
        throw new AppError("USERNAME_TAKEN", 409, text("用户名已存在", "Username already exists"));
      const id = await createUser(ctx.db, body, ctx.clock.now());
      await audit(request, "users.create", body.username, {
        role: body.role,
        merchantIds: body.merchantIds ?? [],
      });
      reply.status(201);
      return { id };
    },
  );

  app.post(
    "/api/v1/api-keys",
    {
      preValidation: need("users.manage"),
      schema: {
        tags: ["users"],
        summary: "Create an integration API key (shown once)",
        body: T.Object({
          name: T.String({ minLength: 1, maxLength: 64 }),
          scopes: T.Array(T.Union(Object.keys(PERMISSIONS).map((p) => T.Literal(p))), { minItems: 1 }),
        }),
        response: { 201: T.Object({ id: T.String(), key: T.String() }), ...errors },
      },
    },
    async (request, reply) => {
      const { name, scopes } = request.body as { name: string; scopes: string[] };
      const created = await createApiKey(ctx.db, name, scopes, ctx.clock.now());
      await audit(request, "users.api_key_create", created.id, { name, scopes });
      reply.status(201);
      return created;
    },
  );

  app.delete(
    "/api/v1/api-keys/:id",
    {
      preValidation: need("users.manage"),
      schema: {
        tags: ["users"],
        summary: "Revoke an API key",
        params: T.Object({ id: T.String() }),
        response: { 204: T.Null(), 404: ErrorSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      if (!(await revokeApiKey(ctx.db, id, ctx.clock.now())))
        throw new AppError("NOT_FOUND", 404, text("API 密钥不存在", "API key not found"));
      apiKeysOf(ctx.db).forget(id);
      await audit(request, "users.api_key_revoke", id, {});
      reply.status(204).send(null);
    },
  );
}
