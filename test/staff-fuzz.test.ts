import fc from "fast-check";
import { afterAll, beforeAll, describe, it } from "vitest";
import { PERMISSIONS, type Permission, ROLES, type Role } from "../src/modules/users/roles.ts";
import { fromSchema, type Schema } from "./helpers/from-schema.ts";
import {
  fill,
  fuzzSeed,
  hostileBody,
  hostileQueryWith,
  hostileSegment,
  hostileString,
  hostileValue,
} from "./helpers/hostile.ts";
import { scopedUser } from "./helpers/merchants.ts";
import { startServerWithOwnDatabase } from "./helpers/own-database.ts";
import { DEMO_USERS, ROUTE_MATRIX } from "./helpers/route-matrix.ts";
import { fileAppTicket, login, type TestServer } from "./helpers/server.ts";

/**
 * Random and hostile input to every staff route, sent as one of the roles allowed to call it, so that it
 * gets past the login: never a 5xx. The public fuzz test only reached the public routes; the staff routes answered
 * 500 on PostgreSQL for a NUL in a filter, for `1e309` as an offset, and for a merge into a ticket number
 * that does not exist.
 *
 * Most inputs are made from the route's own schemas in the OpenAPI description (test/helpers/from-schema.ts)
 * with plausible values (the run's real ticket number, a month, a business line) and hostile text mixed
 * in, so they reach the handler; the rest are hostile through and through, or a well-shaped body with one
 * field made hostile. STAFF_FUZZ_RUNS (default 16) inputs per route. A database of its own: the calls
 * change what they can (a note on the ticket, a holiday), as a clumsy or hostile staff client would.
 */
const RUNS = Number(process.env.STAFF_FUZZ_RUNS ?? 16);

let server: TestServer;
let ticketNo: string;
const tokens: Record<string, string> = {};
let api: { paths: Record<string, Record<string, Operation>> };

interface Operation {
  parameters?: { in: string; name: string; required?: boolean; schema?: Schema }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}

beforeAll(async () => {
  server = await startServerWithOwnDatabase("stafffuzz");
  for (const role of ROLES) tokens[role] = await login(server.url, DEMO_USERS[role]);
  for (const role of ["merchant", "rider"] as const)
    tokens[`${role} with nothing in scope`] = await scopedUser(server.url, tokens.admin!, { role });
  ticketNo = (await fileAppTicket(server.url, tokens.admin!)).ticketNo;
  api = await (await fetch(`${server.url}/openapi.json`)).json();
});
afterAll(() => server?.close());

/** Values of the right shape for many fields, so that some inputs get past the schema into the handler. */
const plausible = () =>
  fc.constantFrom(
    ticketNo,
    "food_delivery",
    "fresh_food",
    "2026-11",
    "2026-11-25",
    "2026-11-25T08:00:00.000Z",
    "0",
    "1",
    "50",
    "true",
    "agent1",
    "M001",
    "R001",
    "P0001",
    "delivery",
    "serious",
    "in_progress",
    "zh-CN",
    // Past a 32-bit integer column, negative, fractional, the largest exact number.
    "2147483648",
    "-1",
    "1.5",
    "9007199254740991",
  );

const operationOf = (method: string, url: string): Operation =>
  api.paths[url.replace(/:(\w+)/g, "{$1}")]?.[method.toLowerCase()] ?? {};

/** A value as a path segment; a lone surrogate cannot be percent-encoded, so it goes as U+FFFD. */
const segmentOf = (value: unknown) => encodeURIComponent(String(value).replace(/\p{Surrogate}/gu, "\ufffd"));

/**
 * A path segment, encoded: a ticket number is the run's real ticket most of the time, so that ticket
 * routes reach their work; other parameters follow their schema; some are hostile (already encoded).
 */
const paramValue = (name: string, schema: Schema | undefined, text: fc.Arbitrary<string>) =>
  name === "ticketNo"
    ? fc.oneof({ weight: 3, arbitrary: fc.constant(ticketNo) }, { weight: 1, arbitrary: hostileSegment })
    : fc.oneof(fromSchema(schema ?? {}, text).map(segmentOf), hostileSegment);

/** The route's URL: each `:param` filled from its schema, its query made of its own parameters. */
function urlOf(target: { method: string; url: string }, text: fc.Arbitrary<string>) {
  const params = operationOf(target.method, target.url).parameters ?? [];
  const path = Object.fromEntries(
    params.filter((p) => p.in === "path").map((p) => [p.name, paramValue(p.name, p.schema, text)]),
  );
  const query = Object.fromEntries(
    params.filter((p) => p.in === "query").map((p) => [p.name, fromSchema(p.schema ?? {}, text)]),
  );
  const required = params.filter((p) => p.in === "query" && p.required).map((p) => p.name);
  const shaped = fc
    .tuple(fc.record(path), fc.record(query, { requiredKeys: required }))
    .map(([segments, values]) => {
      const filled = target.url.replace(/:(\w+)/g, (_m, name: string) => segments[name] as string);
      const search = new URLSearchParams(Object.entries(values).map(([k, v]) => [k, String(v)]));
      return `${filled}?${search}`;
    });
  const names = params.filter((p) => p.in === "query").map((p) => p.name);
  const hostile = fc
    .tuple(hostileSegment, hostileQueryWith(names.length ? names : ["q"], text))
    .map(([segment, query]) => `${fill(target.url, segment)}?${query}`);
  return fc.oneof({ weight: 3, arbitrary: shaped }, { weight: 1, arbitrary: hostile });
}

/** A body: shaped by the route's schema, the same with one field made hostile, or hostile throughout. */
function bodyOf(target: { method: string; url: string }, text: fc.Arbitrary<string>) {
  const schema = operationOf(target.method, target.url).requestBody?.content?.["application/json"]?.schema;
  if (!schema) return hostileBody;
  const shaped = fromSchema(schema, text) as fc.Arbitrary<Record<string, unknown>>;
  const keys = Object.keys(schema.properties ?? {});
  const spoiled = fc
    .tuple(shaped, fc.constantFrom(...keys, "id"), hostileValue)
    .map(([body, key, bad]) => ({ ...body, [key]: bad }));
  return fc.oneof(
    { weight: 3, arbitrary: shaped.map((b) => JSON.stringify(b)) },
    { weight: 1, arbitrary: spoiled.map((b) => JSON.stringify(b)) },
    { weight: 1, arbitrary: hostileBody },
  );
}

/**
 * Who calls a route: each role allowed to, as its demo user, and for the merchant and rider roles also an
 * account with nothing in its scope (no shop, no rider id), whose lists once failed on PostgreSQL.
 */
const callersOf = (permission: Permission): string[] =>
  (PERMISSIONS[permission] as readonly Role[]).flatMap((role) =>
    role === "merchant" || role === "rider" ? [role, `${role} with nothing in scope`] : [role],
  );

const targets = ROUTE_MATRIX.flatMap((r) =>
  "permission" in r.access ? [{ ...r, callers: callersOf(r.access.permission) }] : [],
);

describe("hostile input to staff routes, from each role allowed to call them", () => {
  it.each(targets.map((t) => [`${t.method} ${t.url}`, t] as const))(
    "%s: never a 5xx",
    { timeout: 120_000 },
    async (_name, target) => {
      const text = fc.oneof({ weight: 2, arbitrary: plausible() }, { weight: 1, arbitrary: hostileString });
      const hasBody = target.method === "POST" || target.method === "PUT";
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...target.callers),
          urlOf(target, text),
          hasBody ? bodyOf(target, text) : fc.constant(""),
          async (caller, path, body) => {
            const url = new URL(`${server.url}${path}`);
            // ".." segments, as URLs resolve them, can climb out of the API (to the console's pages).
            fc.pre(url.pathname.startsWith("/api/"));
            const res = await fetch(url, {
              method: target.method,
              headers: {
                authorization: `Bearer ${tokens[caller]}`,
                ...(hasBody ? { "content-type": "application/json" } : {}),
              },
              body: hasBody ? body : undefined,
              signal: AbortSignal.timeout(20_000),
            });
            const answer = await res.text();
            if (res.status >= 500) console.log(caller, target.method, path, body, answer);
            return res.status < 500;
          },
        ),
        { numRuns: RUNS, seed: fuzzSeed() },
      );
    },
  );
});
