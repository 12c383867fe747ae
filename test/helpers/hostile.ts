import fc from "fast-check";

/**
 * Random and hostile request parts for the fuzz tests (test/public-fuzz.test.ts, test/staff-fuzz.test.ts):
 * values that have broken parsers, validators and SQL before, JSON bodies with the contract's keys and
 * prototype-pollution keys, path segments and query strings.
 */
const contractKeys = [
  "businessLine",
  "channel",
  "phone",
  "orderNo",
  "name",
  "category",
  "description",
  "expectedResolution",
  "occurredAt",
  "urgent",
  "attachmentIds",
  "username",
  "password",
  "response",
  "comment",
  "score",
  "answers",
  "text",
  "q",
  "month",
  "limit",
  "offset",
  "token",
];

/** Values that have broken parsers, validators and SQL before. */
export const hostileString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 60 }),
  fc.string({ unit: "binary", maxLength: 60 }),
  fc.constantFrom(
    "",
    "\u0000",
    "13800138000\u0000",
    "' OR '1'='1' --",
    "'; DROP TABLE tickets; --",
    "<script>alert(1)</script>",
    "{{constructor.constructor('return process')()}}",
    "../../../../etc/passwd",
    "%00%2e%2e%2f",
    "\ud800",
    "🧨".repeat(5000),
    "x".repeat(200_000),
    "1e309",
    "-0",
    "NaN",
    "2026-02-30T25:61:00Z",
    "food_delivery",
    "app",
    "13800138000",
    "FDO000001",
  ),
);
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    hostileString,
    fc.oneof(fc.integer(), fc.double(), fc.constantFrom(Number.MAX_SAFE_INTEGER + 2, -1, 0, 1e308)),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.oneof(hostileString, fc.constantFrom(...contractKeys)), tie("value"), { maxKeys: 4 }),
  ),
})).value;

/** A raw body text: JSON objects with contract and prototype-pollution keys, other JSON, or not JSON at all. */
export const hostileBody = fc.oneof(
  fc
    .array(
      fc.tuple(
        fc.oneof(fc.constantFrom(...contractKeys, "__proto__", "constructor", "prototype"), hostileString),
        hostileValue,
      ),
      { maxLength: 12 },
    )
    // Written as text, so "__proto__" is a real key in the JSON and not an object's prototype.
    .map(
      (pairs) =>
        `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v) ?? "null"}`).join(",")}}`,
    ),
  fc.constantFrom(
    '{"__proto__":{"isAdmin":true,"role":"admin"}}',
    '{"constructor":{"prototype":{"polluted":1}}}',
    `${"[".repeat(5000)}${"]".repeat(5000)}`,
    '{"a":1,"a":2}',
    "null",
    "",
    "\u0000",
    '{"description": "\\u0000"}',
  ),
  hostileValue.map((v) => JSON.stringify(v) ?? "null"),
  fc.string({ unit: "binary", maxLength: 200 }),
);

export const hostileSegment = fc.oneof(
  fc.constantFrom("FD20990101000001", "FD20260101000001", "..", "%00", "'%20OR%201=1", "a".repeat(2000)),
  fc.string({ maxLength: 30 }).map(encodeURIComponent),
);

/** A query string of hostile values, under the given names (and others). */
export const hostileQueryWith = (keys: readonly string[], values: fc.Arbitrary<string> = hostileString) =>
  fc
    .array(fc.tuple(fc.oneof(fc.constantFrom(...keys, "__proto__"), fc.string({ maxLength: 10 })), values), {
      maxLength: 6,
    })
    // Kept under the HTTP server's 16 KB header limit, past which Node answers 431 before the app sees it.
    .map((pairs) =>
      new URLSearchParams(pairs.map(([k, v]) => [k, v.slice(0, 300)] as [string, string])).toString(),
    );

export const hostileQuery = hostileQueryWith(contractKeys);

/** A route's URL with each `:param` replaced by the segment. */
export const fill = (url: string, segment: string) => url.replace(/:\w+/g, segment);

/**
 * The seed of a fuzz run: fixed by default, so that `npm test` (and CI) tries the same inputs every time
 * and a red run is a change's doing; FUZZ_SEED=random explores (fast-check prints the seed of a failure,
 * which FUZZ_SEED=<n> replays).
 */
export const fuzzSeed = (): number | undefined =>
  process.env.FUZZ_SEED === "random" ? undefined : Number(process.env.FUZZ_SEED ?? 20261207);
