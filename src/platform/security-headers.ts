import type { FastifyInstance } from "fastify";

/**
 * The content security policy of the console and the H5 pages (one Vite build in web/dist) and of every
 * API answer. The built index.html loads its script and styles from /assets only, so scripts are 'self'
 * with no inline code and no eval. antd 6 writes its CSS-in-JS into <style> elements at run time, which
 * needs style-src 'unsafe-inline'; styles cannot run code, so this does not reopen script injection. The
 * favicon is a data: URL, evidence previews may be blob: URLs before upload, and the live updates (SSE)
 * and the API are same-origin.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/**
 * Security headers on every response (API, pages, assets, errors, 404s). Strict-Transport-Security only
 * when the public address is https: sent over plain http (local runs, tests) it would make browsers
 * refuse that host's http pages for a year.
 */
export function installSecurityHeaders(app: FastifyInstance, options: { publicUrl: string }): void {
  const https = options.publicUrl.startsWith("https://");
  app.addHook("onRequest", async (_request, reply) => {
    reply.header("content-security-policy", CONTENT_SECURITY_POLICY);
    reply.header("x-content-type-options", "nosniff");
    // Page and API addresses carry ticket numbers (and the progress call a phone): never pass them on.
    reply.header("referrer-policy", "no-referrer");
    // Older browsers ignore frame-ancestors; the console must never be framed (clickjacking).
    reply.header("x-frame-options", "DENY");
    reply.header("cross-origin-opener-policy", "same-origin");
    if (https) reply.header("strict-transport-security", "max-age=31536000; includeSubDomains");
  });
}
