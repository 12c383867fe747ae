import { describe, expect, it } from "vitest";
import { PERMISSIONS, ROLES, type Role } from "../src/modules/users/roles.ts";
import { DEMO_USERS, ROUTE_MATRIX, type RouteRule } from "./helpers/route-matrix.ts";
import { served } from "./helpers/served.ts";

const app = served(...ROLES.map((role) => DEMO_USERS[role]));
const tokenOf = (role: Role) => app.token[DEMO_USERS[role]];

/**
 * The app's routes as "METHOD /url", recorded by an onRoute hook as every module registers them, so a
 * route added anywhere shows up here without anyone remembering to list it. HEAD routes are Fastify's
 * automatic twins of GET routes and share their hooks.
 */
function appRoutes(): Set<string> {
  return new Set(app.server.app.routes.filter((r) => r.method !== "HEAD").map((r) => `${r.method} ${r.url}`));
}

const key = (r: RouteRule) => `${r.method} ${r.url}`;

describe("every route is classified", () => {
  it("lists every route of the app in the matrix, so a new route cannot ship unclassified", () => {
    const actual = appRoutes();
    // The recorder must see routes we know exist, or an empty list would pass.
    expect(actual.has("POST /api/v1/tickets")).toBe(true);
    expect(actual.has("GET /api/v1/tickets/:ticketNo/remedy-proposal")).toBe(true);
    expect(actual.size).toBeGreaterThan(80);
    const listed = new Set(ROUTE_MATRIX.map(key));
    const unclassified = [...actual].filter((r) => !listed.has(r));
    expect(unclassified, "add these to test/helpers/route-matrix.ts").toEqual([]);
  });

  it("has no stale entries for routes that no longer exist", () => {
    const actual = appRoutes();
    const stale = ROUTE_MATRIX.filter((r) => !r.onlyWith && !actual.has(key(r))).map(key);
    expect(stale).toEqual([]);
  });
});

/** Path parameters that pass most parameter schemas; the resource does not exist, so allowed callers get 404 or 400. */
const DUMMY: Record<string, string> = {
  ticketNo: "FD20990101000001",
  date: "2099-01-01",
  year: "2099",
  businessLine: "food_delivery",
  channel: "sms",
  locale: "zh-CN",
  kind: "acknowledgement",
};
const concrete = (url: string) =>
  url.replace(/:(\w+)/g, (_m, name: string) => DUMMY[name] ?? "no-such-id-0000");

async function call(rule: RouteRule, token?: string) {
  const hasBody = rule.method === "POST" || rule.method === "PUT";
  const res = await fetch(app.url + concrete(rule.url), {
    method: rule.method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(hasBody ? { "content-type": "application/json" } : {}),
    },
    // An empty object fails most body schemas: the role check must still answer first.
    body: hasBody ? "{}" : undefined,
  });
  const text = await res.text();
  let code: string | undefined;
  try {
    code = JSON.parse(text).error?.code;
  } catch {}
  return { status: res.status, code };
}

const staffRoutes = ROUTE_MATRIX.flatMap((r) =>
  "permission" in r.access ? [{ rule: r, permission: r.access.permission }] : [],
);

describe("role × route matrix", () => {
  it.each(staffRoutes.map((s) => [key(s.rule), s] as const))("%s", async (_name, { rule, permission }) => {
    const allowed = PERMISSIONS[permission] as readonly string[];
    const anonymous = await call(rule);
    expect(anonymous, "without a token").toEqual({ status: 401, code: "UNAUTHORIZED" });
    const results = await Promise.all(
      ROLES.map(async (role) => ({ role, ...(await call(rule, tokenOf(role))) })),
    );
    for (const { role, status, code } of results) {
      if (allowed.includes(role)) {
        expect([401, 403], `${role} is allowed ${key(rule)} (${permission})`).not.toContain(status);
        expect(status, `${role} on ${key(rule)}`).toBeLessThan(500);
      } else expect({ role, status, code }).toEqual({ role, status: 403, code: "FORBIDDEN" });
    }
  });

  it("answers the caller itself on login-only routes, and 401 without a token", async () => {
    const loginOnly = ROUTE_MATRIX.filter((r) => "login" in r.access);
    expect(loginOnly.length).toBeGreaterThan(0);
    for (const rule of loginOnly) expect((await call(rule)).status, key(rule)).toBe(401);
    // Logging out would end the shared sessions; /auth/me shows every role is recognised.
    for (const role of ROLES) {
      const res = await fetch(`${app.url}/api/v1/auth/me`, {
        headers: { authorization: `Bearer ${tokenOf(role)}` },
      });
      expect(res.status).toBe(200);
      expect((await res.json()).role).toBe(role);
    }
  });
});

describe("authorisation comes before validation", () => {
  // A stranger sending a malformed body must not learn the schema from a 400 listing the fields.
  const badReply = { visibility: "shout", extra: { __proto__: { admin: true } } };
  const path = "/api/v1/tickets/FD20990101000001/replies";
  const post = (token?: string) =>
    fetch(app.url + path, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(badReply),
    }).then(async (r) => ({ status: r.status, body: await r.json() }));

  it("answers 401 without a token and 403 for a role without the permission, whatever the body", async () => {
    const anonymous = await post();
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.details).toEqual([]);
    const qa = await post(tokenOf("qa"));
    expect(qa.status).toBe(403);
    expect(qa.body.error.details).toEqual([]);
  });

  it("still validates the body for a permitted role", async () => {
    const agent = await post(tokenOf("agent"));
    expect(agent.status).toBe(400);
    expect(agent.body.error.details.map((d: { field: string }) => d.field)).toContain("body");
  });
});
