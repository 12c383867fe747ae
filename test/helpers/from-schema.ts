import fc from "fast-check";

/**
 * Values shaped by a JSON schema of the API's OpenAPI description, for the staff fuzz test: most of what
 * it makes passes the route's schema and reaches the handler, where the bugs that the schema cannot catch
 * live (a merge into a ticket that does not exist). `text` makes the strings that have no pattern, enum or
 * format of their own, so the caller can mix plausible values (a real ticket number) with hostile ones.
 */
export interface Schema {
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, Schema>;
  required?: string[];
}

const day = fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2027, 0, 1) }).map((t) => new Date(t));

export function fromSchema(schema: Schema, text: fc.Arbitrary<string>, depth = 0): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const choices = schema.anyOf ?? schema.oneOf;
  if (choices) return fc.oneof(...choices.map((s) => fromSchema(s, text, depth)));
  const types = [schema.type ?? "string"].flat();
  if (types.length > 1) return fc.oneof(...types.map((type) => fromSchema({ ...schema, type }, text, depth)));
  switch (types[0]) {
    case "null":
      return fc.constant(null);
    case "boolean":
      return fc.boolean();
    case "integer":
      return withEdges(
        fc.integer({ min: schema.minimum ?? -5, max: Math.min(schema.maximum ?? 10_000, 2 ** 31) }),
        schema,
        Number.MAX_SAFE_INTEGER,
      );
    case "number":
      return withEdges(
        fc.double({ min: schema.minimum ?? -5, max: schema.maximum ?? 10_000, noNaN: true }),
        schema,
        Number.MAX_VALUE,
      );
    case "array":
      return fc.array(fromSchema(schema.items ?? {}, text, depth + 1), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.max(schema.minItems ?? 0, Math.min(schema.maxItems ?? 3, 3)),
      });
    case "object": {
      if (depth > 4 || !schema.properties) return fc.constant({});
      const props = Object.fromEntries(
        Object.entries(schema.properties).map(([k, s]) => [k, fromSchema(s, text, depth + 1)]),
      );
      return fc.record(props, { requiredKeys: (schema.required ?? []).filter((k) => k in props) });
    }
    default:
      return stringOf(schema, text);
  }
}

/**
 * Now and then a number at the edge of what the schema lets through: its minimum and maximum, or, where it
 * sets none, the largest a JSON number can be and the two sides of a 32-bit column's limit. An amount or a
 * count without a maximum reaches a database column that has one.
 */
function withEdges(usual: fc.Arbitrary<number>, schema: Schema, largest: number): fc.Arbitrary<number> {
  const min = schema.minimum ?? -largest;
  const max = schema.maximum ?? largest;
  const edges = [min, max, 2 ** 31 - 1, 2 ** 31, -(2 ** 31) - 1].filter((n) => n >= min && n <= max);
  return fc.oneof({ arbitrary: usual, weight: 5 }, { arbitrary: fc.constantFrom(...edges), weight: 1 });
}

function stringOf(schema: Schema, text: fc.Arbitrary<string>): fc.Arbitrary<string> {
  if (schema.format === "date-time") return day.map((d) => d.toISOString());
  if (schema.format === "date") return day.map((d) => d.toISOString().slice(0, 10));
  if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern));
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? 200;
  // Fitted, not filtered: a filter that rarely passes (a 100-character minimum) would stall the run.
  return text.map((s) => {
    const chars = [...s].slice(0, max);
    return chars.join("") + "x".repeat(Math.max(0, min - chars.length));
  });
}
