import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { installErrorHandler } from "../src/platform/http.ts";
import { served } from "./helpers/served.ts";
import { client, createOrder, LONG_TEXT, login, startServer } from "./helpers/server.ts";

const app = served();

describe("security headers", () => {
  it.each([
    ["the console page", "/console"],
    ["an API answer", "/healthz"],
    ["an API error", "/api/v1/tickets"],
    ["an unknown route", "/no/such/route"],
  ])("are on %s", async (_what, path) => {
    const res = await fetch(app.url + path);
    const csp = res.headers.get("content-security-policy") ?? "";
    // No inline or eval'd script may run, and no other site may frame the console (clickjacking).
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    // Plain http here: HSTS would lock browsers out of this host's http pages.
    expect(res.headers.get("strict-transport-security")).toBeNull();
  });

  it("lets the built console load under its policy: no inline scripts in index.html", async () => {
    const res = await fetch(`${app.url}/console`);
    if (res.status === 503) return; // web/dist not built in this checkout: nothing to load
    const html = await res.text();
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/src="\/assets\//);
      expect(body!.trim()).toBe("");
    }
  });

  it("sends Strict-Transport-Security when the public address is https", async () => {
    const https = await startServer({ PUBLIC_URL: "https://aftersale.example.cn" });
    try {
      const res = await fetch(`${https.url}/healthz`);
      expect(res.headers.get("strict-transport-security")).toMatch(/max-age=\d{7,}/);
    } finally {
      await https.close();
    }
  });
});

describe("no internals reach the client", () => {
  it("answers an unexpected failure with a plain 500: no message, no stack, no file paths", async () => {
    // The app's own error handler on a route that fails the way a bug would.
    const fastify = Fastify({ logger: false });
    installErrorHandler(fastify);
    fastify.get("/boom", async () => {
      throw new Error('relation "secret_table" does not exist at /srv/app/src/db.ts:12');
    });
    const res = await fastify.inject({ method: "GET", url: "/boom", headers: { "accept-language": "en" } });
    await fastify.close();
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({
      error: { code: "INTERNAL", message: "Internal error, please retry", details: [] },
    });
    expect(res.body).not.toMatch(/secret_table|\.ts:|\bat \w/);
  });

  it("answers a malformed JSON body with a 400 that has no stack", async () => {
    const res = await fetch(`${app.url}/api/v1/tickets`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"channel": "app", "phone": ',
    });
    expect(res.status).toBe(400);
    const body = await res.text();
    expect(JSON.parse(body).error.code).toEqual(expect.any(String));
    expect(body).not.toMatch(/node_modules|\.js:\d+|\bat \w+ \(/);
  });
});

describe("a description with markup is kept as text", () => {
  it("stores <script> verbatim and returns it as a JSON string, never as markup", async () => {
    const admin = await login(app.url, "admin");
    const { phone, orderNo } = await createOrder(app.url, admin);
    const hostile = `<script>alert(document.cookie)</script><img src=x onerror=alert(1)> ${LONG_TEXT}`;
    const filed = await client(app.url).post("/api/v1/tickets", {
      channel: "app",
      phone,
      orderNo,
      description: hostile,
    });
    expect(filed.status).toBe(201);
    const detail = await fetch(`${app.url}/api/v1/tickets/${filed.body.ticketNo}`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    // JSON, never HTML a browser could render; the console shows it through React, which escapes text.
    expect(detail.headers.get("content-type")).toMatch(/^application\/json/);
    expect(JSON.stringify(await detail.json())).toContain(JSON.stringify(hostile).slice(1, -1));
  });
});
