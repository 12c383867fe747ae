import type pg from "pg";

/**
 * Most statements the app sends are the same few texts with other parameters. Sent unnamed, PostgreSQL
 * parses and plans each one again on every call: for the intake's insert that was about half of its
 * server CPU (bench/README.md, "Where the time goes"). Named, a connection parses a text once and
 * PostgreSQL can reuse the plan.
 *
 * Every parameterised text becomes a named statement on the connection that first sends it, up to
 * `perConnection` texts; past that, texts go unnamed, so statements built with a varying shape (lists of
 * any length) cannot grow a connection's memory without bound. Statements without parameters (`begin`,
 * `commit`, DDL) stay unnamed: there is nothing to reuse and DDL must not be cached.
 *
 * Prepared plans belong to the schema they were made for, which is why migrations run before the app
 * sends anything.
 */
export function nameStatementsOf(pool: pg.Pool, perConnection = 500): void {
  pool.on("connect", (client) => {
    const names = new Map<string, string>();
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = (config: unknown, values?: unknown, callback?: unknown) => {
      if (typeof config !== "string" || !Array.isArray(values) || values.length === 0)
        return query(config, values, callback);
      let name = names.get(config);
      if (!name && names.size < perConnection) {
        name = `aftersale_${names.size}`;
        names.set(config, name);
      }
      return name ? query({ name, text: config, values }, callback) : query(config, values, callback);
    };
  });
}
