import fc from "fast-check";
import { afterAll, beforeAll, describe, it } from "vitest";
import { PERMISSIONS, ROLES, type Role } from "../src/modules/users/roles.ts";
import {
  fill,
  fuzzSeed,
  hostileBody,
  hostileQueryWith,
  hostileSegment,
  hostileString,
  hostileValue,
} from "./helpers/hostile.ts";
import { startServerWithOwnDatabase } from "./helpers/own-database.ts";
import { DEMO_USERS, ROUTE_MATRIX } from "./helpers/route-matrix.ts";
import { fileAppTicket, login, type TestServer } from "./helpers/server.ts";

/**
 * Random and hostile input to every staff route, sent as a role allowed to call it, so that it gets past
 * the login and into validation and the handler: never a 5xx. The public fuzz test only reached the
 * public routes; the staff routes once answered 500 on PostgreSQL for a NUL in a filter.
 *
 * Each route's own query and body field names come from the OpenAPI description, and its path segments
 * and values mix hostile text with plausible ones (a real ticket number, a month, a business line), so the
 * input reaches past the schema often enough to matter. STAFF_FUZZ_RUNS (default 16) inputs per route.
 * A database of its own: the calls change what they can (a note on the ticket, a holiday), as a clumsy
 * or hostile staff client would.
 */
const RUNS = Number(process.env.STAFF_FUZZ_RUNS ?? 16);

let server: TestServer;
let ticketNo: string;
const tokens = {} as Record<Role, string>;
let api: { paths: Record<string, Record<string, Operation>> };

interface Operation {
  parameters?: { in: string; name: string }[];
  requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> };
}

beforeAll(async () => {
  server = await startServerWithOwnDatabase("stafffuzz");
  for (const role of ROLES) tokens[role] = await login(server.url, DEMO_USERS[role]);
  ticketNo = (await fileAppTicket(server.url, tokens.admin)).ticketNo;
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

function fieldsOf(method: string, url: string) {
  const op = api.paths[url.replace(/:(\w+)/g, "{$1}")]?.[method.toLowerCase()];
  return {
    query: (op?.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name),
    body: Object.keys(op?.requestBody?.content?.["application/json"]?.schema?.properties ?? {}),
  };
}

const targets = ROUTE_MATRIX.flatMap((r) =>
  "permission" in r.access ? [{ ...r, role: PERMISSIONS[r.access.permission][0] as Role }] : [],
);

describe("hostile input to staff routes, from a role allowed to call them", () => {
  it.each(targets.map((t) => [`${t.method} ${t.url} as ${t.role}`, t] as const))(
    "%s: never a 5xx",
    { timeout: 120_000 },
    async (_name, target) => {
      const fields = fieldsOf(target.method, target.url);
      const value = fc.oneof(plausible(), hostileString);
      const body = fc.oneof(
        // An object of the route's own fields (and others), each plausible, hostile or of another type.
        fc
          .dictionary(
            fc.oneof(fc.constantFrom(...fields.body, "id"), hostileString),
            fc.oneof(
              plausible(),
              fc.constantFrom(2147483648, -1, 1.5, 9007199254740991, 100_000),
              hostileValue,
              fc.array(plausible(), { maxLength: 3 }),
            ),
            { maxKeys: 6 },
          )
          .map((o) => JSON.stringify(o)),
        hostileBody,
      );
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(plausible(), hostileSegment),
          hostileQueryWith(fields.query.length ? fields.query : ["q"], value),
          body,
          async (segment, query, text) => {
            const url = new URL(`${server.url}${fill(target.url, segment)}?${query}`);
            // ".." segments, as URLs resolve them, can climb out of the API (to the console's pages).
            fc.pre(url.pathname.startsWith("/api/"));
            const res = await fetch(url, {
              method: target.method,
              headers: {
                authorization: `Bearer ${tokens[target.role]}`,
                ...(target.method === "GET" || target.method === "DELETE"
                  ? {}
                  : { "content-type": "application/json" }),
              },
              body: target.method === "GET" || target.method === "DELETE" ? undefined : text,
              signal: AbortSignal.timeout(20_000),
            });
            const answer = await res.text();
            if (res.status >= 500) console.log(target.method, target.url, segment, query, text, answer);
            return res.status < 500;
          },
        ),
        { numRuns: RUNS, seed: fuzzSeed() },
      );
    },
  );
});
