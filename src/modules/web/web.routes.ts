import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply } from "fastify";

/**
 * The staff console (/console) and the customers' H5 pages (/h5), one single-page app built by Vite into
 * web/dist. Every page URL answers the same index.html and the browser routes; hashed assets are cached
 * for good. Without a build the API still runs and the pages say how to build them; a build made while
 * the process runs is picked up, since files are looked up per request.
 */
export const WEB_DIST = resolve(dirname(fileURLToPath(import.meta.url)), "../../../web/dist");

const PAGES = ["/console", "/console/*", "/h5", "/h5/*"];

const NOT_BUILT = `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>Aftersale</title>
<body style="font-family:system-ui,sans-serif;max-width:40em;margin:4em auto;line-height:1.6">
<h1>网页尚未构建 · The web pages are not built</h1>
<p>请运行 <code>npm run build</code> 后重启服务；API 不受影响。</p>
<p>Run <code>npm run build</code> and restart; the API works meanwhile.</p></body></html>`;

export async function webRoutes(app: FastifyInstance, distDir: string = WEB_DIST): Promise<void> {
  const index = join(distDir, "index.html");

  app.get("/", { schema: { hide: true } }, async (_request, reply) => reply.redirect("/console", 302));

  const page = async (_request: unknown, reply: FastifyReply) => {
    // The page itself is never cached, so a new build reaches people on their next visit.
    reply.header("cache-control", "no-cache");
    if (!existsSync(index)) return reply.status(503).type("text/html; charset=utf-8").send(NOT_BUILT);
    return reply.type("text/html; charset=utf-8").send(await readFile(index));
  };
  for (const url of PAGES) app.get(url, { schema: { hide: true } }, page);

  await app.register(fastifyStatic, {
    root: join(distDir, "assets"),
    prefix: "/assets/",
    schemaHide: true,
    decorateReply: false,
    // The folder may appear only after start (a build running alongside); no warning meanwhile.
    suppressWarning: true,
    index: false,
    // File names carry a content hash: a changed file is a new name, so the old one may be kept forever.
    immutable: true,
    maxAge: "365d",
  });
}
