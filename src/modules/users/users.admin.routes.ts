import type { FastifyInstance } from "fastify";
import { Type as T } from "typebox";
import type { AppContext } from "../../platform/context.ts";
import { ErrorSchema } from "../../platform/http.ts";
import { need } from "./auth.ts";
import { PERMISSIONS, ROLES } from "./roles.ts";
import { listAssignable, listUsers } from "./users.directory.store.ts";

const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema };
const RoleLiteral = T.Union(ROLES.map((r) => T.Literal(r)));

/** The console's read-only views of people: the user list and role table for admins, agents for assigning. */
export function usersAdminRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    "/api/v1/users",
    {
      preValidation: need("users.manage"),
      schema: {
        tags: ["users"],
        summary: "Users with their roles, paged",
        querystring: T.Object({
          q: T.Optional(T.String({ maxLength: 64, description: "part of the username or display name" })),
          role: T.Optional(RoleLiteral),
          limit: T.Optional(T.Integer({ minimum: 1, maximum: 200, default: 50 })),
          offset: T.Optional(T.Integer({ minimum: 0, default: 0 })),
        }),
        response: {
          200: T.Object({
            items: T.Array(
              T.Object({
                id: T.String(),
                username: T.String(),
                displayName: T.String(),
                role: T.String(),
                merchantIds: T.Array(T.String()),
                riderId: T.Union([T.String(), T.Null()]),
                active: T.Boolean(),
                createdAt: T.String(),
              }),
            ),
            total: T.Integer(),
            limit: T.Integer(),
            offset: T.Integer(),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const q = request.query as { q?: string; role?: string; limit?: number; offset?: number };
      const limit = q.limit ?? 50;
      const offset = q.offset ?? 0;
      const result = await listUsers(ctx.db, { q: q.q, role: q.role, limit, offset });
      return {
        items: result.items.map((u) => ({
          id: u.id,
          username: u.username,
          displayName: u.display_name,
          role: u.role,
          merchantIds: u.merchant_ids,
          riderId: u.rider_id,
          active: u.active,
          createdAt: u.created_at.toISOString(),
        })),
        total: result.total,
        limit,
        offset,
      };
    },
  );

  app.get(
    "/api/v1/roles",
    {
      preValidation: need("users.manage"),
      schema: {
        tags: ["users"],
        summary: "Each role with the permissions it grants",
        response: {
          200: T.Object({
            items: T.Array(T.Object({ role: RoleLiteral, permissions: T.Array(T.String()) })),
          }),
          ...errors,
        },
      },
    },
    async () => ({
      items: ROLES.map((role) => ({
        role,
        permissions: Object.entries(PERMISSIONS)
          .filter(([, roles]) => (roles as readonly string[]).includes(role))
          .map(([name]) => name),
      })),
    }),
  );

  app.get(
    "/api/v1/agents",
    {
      preValidation: need("tickets.assign"),
      schema: {
        tags: ["users"],
        summary: "Staff a ticket can be assigned to",
        response: {
          200: T.Object({
            items: T.Array(T.Object({ username: T.String(), displayName: T.String(), role: T.String() })),
          }),
          ...errors,
        },
      },
    },
    async () => ({
      items: (await listAssignable(ctx.db)).map((u) => ({
        username: u.username,
        displayName: u.display_name,
        role: u.role,
      })),
    }),
  );
}
