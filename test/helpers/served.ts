import { afterAll, beforeAll } from "vitest";
import { client, login, startServer, type TestServer } from "./server.ts";

/**
 * Settings for the file's server, as `startServer(env)` takes them. A function where they are known only
 * once an earlier `beforeAll` has run (the port of a fake relay it started): it is called in `beforeAll`.
 */
export interface ServedOptions {
  env?: Record<string, string> | (() => Record<string, string>);
}

export interface Served<U extends string> {
  token: Record<U, string>;
  readonly url: string;
  readonly server: TestServer;
  as(username: U): ReturnType<typeof client>;
}

/**
 * A test file's server with its staff logged in, started before the file's tests and closed after them:
 * `const app = served("admin", "agent1")`, then `app.as("agent1").get(…)`, `app.token.admin`, `app.url`.
 * Options come first where the file needs settings: `served({ env: { CTI_SECRET } }, "admin")`. Called
 * inside a `describe`, the server is that block's; hooks run in order, so a `beforeAll` above it runs first.
 */
export function served<U extends string>(options: ServedOptions, ...usernames: U[]): Served<U>;
export function served<U extends string>(...usernames: U[]): Served<U>;
export function served<U extends string>(first?: ServedOptions | U, ...rest: U[]): Served<U> {
  const options = typeof first === "object" ? first : {};
  const usernames = typeof first === "string" ? [first, ...rest] : rest;
  let server: TestServer | undefined;
  const token = {} as Record<U, string>;
  beforeAll(async () => {
    server = await startServer(typeof options.env === "function" ? options.env() : options.env);
    const url = server.url;
    const tokens = await Promise.all(usernames.map((u) => login(url, u)));
    usernames.forEach((u, i) => {
      token[u] = tokens[i]!;
    });
  });
  afterAll(() => server?.close());
  const started = () => {
    if (!server) throw new Error("served(): the server starts in beforeAll");
    return server;
  };
  return {
    token,
    get url() {
      return started().url;
    },
    get server() {
      return started();
    },
    as: (username: U) => client(started().url, token[username]),
  };
}
