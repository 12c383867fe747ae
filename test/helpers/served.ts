import { afterAll, beforeAll } from "vitest";
import { client, login, startServer, type TestServer } from "./server.ts";

/**
 * A test file's server with its staff logged in, started before the file's tests and closed after them:
 * `const app = served("admin", "agent1")`, then `app.as("agent1").get(…)`, `app.token.admin`, `app.url`.
 */
export function served<U extends string>(...usernames: U[]) {
  let server: TestServer | undefined;
  const token = {} as Record<U, string>;
  beforeAll(async () => {
    server = await startServer();
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
