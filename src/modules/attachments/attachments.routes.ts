import { createHmac, timingSafeEqual } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { Type as T } from "typebox";
import type { AppContext } from "../../platform/context.ts";
import { AppError, text, validationError } from "../../platform/errors.ts";
import { ErrorSchema } from "../../platform/http.ts";
import { recordPersonalDataAccess } from "../privacy/privacy.commands.ts";
import { findTicket } from "../tickets/tickets.store.ts";
import { canSeeTicket } from "../users/roles.ts";
import { findAttachment } from "./attachments.store.ts";
import { evidenceLimits, saveEvidence, uploadsDir } from "./evidence.ts";

const THUMB_LINK_SECONDS = 7 * 86_400;

/** Links to evidence are signed and expire, so an id seen in a log does not open a customer's photo. */
export function signedUrl(ctx: AppContext, id: string, variant: "thumbnail" | "file", now: Date): string {
  const exp = Math.floor(now.getTime() / 1000) + THUMB_LINK_SECONDS;
  const sig = createHmac("sha256", ctx.config.authSecret)
    .update(`${id}:${variant}:${exp}`)
    .digest("base64url");
  return `/api/v1/attachments/${id}/${variant}?exp=${exp}&sig=${sig}`;
}

function signatureValid(
  ctx: AppContext,
  id: string,
  variant: string,
  exp: string,
  sig: string,
  now: Date,
): boolean {
  if (!/^\d+$/.test(exp) || Number(exp) * 1000 < now.getTime()) return false;
  const expected = createHmac("sha256", ctx.config.authSecret).update(`${id}:${variant}:${exp}`).digest();
  const given = Buffer.from(sig, "base64url");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function attachmentsRoutes(app: FastifyInstance, ctx: AppContext): void {
  const dir = uploadsDir(ctx);
  const limits = evidenceLimits(ctx);

  app.post(
    "/api/v1/attachments",
    {
      config: { rateLimit: { max: ctx.config.publicRateLimit, timeWindow: "1 minute" } },
      schema: {
        tags: ["tickets"],
        summary: "Upload a photo (JPEG/PNG/WebP) or video (MP4) as evidence; multipart field `file`",
        consumes: ["multipart/form-data"],
        response: {
          201: T.Object({
            id: T.String(),
            kind: T.String(),
            thumbnailUrl: T.Optional(T.String()),
            capturedAt: T.Union([T.String(), T.Null()]),
          }),
          400: ErrorSchema,
          413: ErrorSchema,
          415: ErrorSchema,
        },
      },
    },
    async (request, reply) => {
      if (!request.isMultipart())
        throw validationError([
          {
            field: "file",
            code: "REQUIRED",
            message: text(
              "请以 multipart/form-data 上传文件（字段 file）",
              "send the file as multipart/form-data in field `file`",
            ),
          },
        ]);
      const part = await request.file();
      if (part?.fieldname !== "file")
        throw validationError([
          {
            field: "file",
            code: "REQUIRED",
            message: text("缺少文件（字段 file）", "the file is missing (field `file`)"),
          },
        ]);
      const bytes = await part.toBuffer();
      const saved = await saveEvidence(ctx, bytes, part.filename ?? null);
      if (!saved.ok && saved.refusal === "UNSUPPORTED_FILE_TYPE")
        throw new AppError(
          "UNSUPPORTED_MEDIA_TYPE",
          415,
          text(
            "只支持 JPEG、PNG、WebP 图片和 MP4 视频",
            "Only JPEG, PNG, WebP images and MP4 videos are accepted",
          ),
          [
            {
              field: "file",
              code: "UNSUPPORTED_FILE_TYPE",
              message: text(
                "文件内容不是支持的图片或视频",
                "the file's content is not a supported image or video",
              ),
            },
          ],
        );
      if (!saved.ok && saved.refusal === "CORRUPT_IMAGE")
        throw validationError([
          {
            field: "file",
            code: "CORRUPT_IMAGE",
            message: text("图片已损坏，无法读取", "the image is damaged and cannot be read"),
          },
        ]);
      if (!saved.ok) {
        const kind = saved.kind ?? "image";
        throw new AppError(
          saved.refusal === "EMPTY_FILE" ? "VALIDATION_FAILED" : "PAYLOAD_TOO_LARGE",
          saved.refusal === "EMPTY_FILE" ? 400 : 413,
          text("文件大小不符合要求", "File size not accepted"),
          [
            {
              field: "file",
              code: saved.refusal,
              message: text(
                `${kind === "image" ? "图片" : "视频"}不能超过 ${Math.round(limits[kind] / 1048576)} MB`,
                `${kind} must be at most ${Math.round(limits[kind] / 1048576)} MB`,
              ),
            },
          ],
        );
      }
      const { id, kind, hasThumbnail, capturedAt } = saved;
      const now = ctx.clock.now();
      reply.status(201);
      return {
        id,
        kind,
        ...(hasThumbnail ? { thumbnailUrl: signedUrl(ctx, id, "thumbnail", now) } : {}),
        capturedAt: capturedAt?.toISOString() ?? null,
      };
    },
  );

  app.get(
    "/api/v1/attachments/:id/:variant",
    {
      schema: {
        tags: ["tickets"],
        summary: "Download evidence or its thumbnail: a signed link, or staff who may see the ticket",
        params: T.Object({ id: T.String(), variant: T.Union([T.Literal("thumbnail"), T.Literal("file")]) }),
        querystring: T.Object({ exp: T.Optional(T.String()), sig: T.Optional(T.String()) }),
      },
    },
    async (request, reply) => {
      const { id, variant } = request.params as { id: string; variant: "thumbnail" | "file" };
      const { exp, sig } = request.query as { exp?: string; sig?: string };
      const notFound = new AppError("NOT_FOUND", 404, text("附件不存在", "Attachment not found"));
      const row = await findAttachment(ctx.db, id);
      if (!row) throw notFound;
      let allowed =
        exp !== undefined && sig !== undefined && signatureValid(ctx, id, variant, exp, sig, ctx.clock.now());
      if (!allowed && request.principal && row.ticket_no) {
        const ticket = await findTicket(ctx.db, row.ticket_no);
        allowed = !!ticket && canSeeTicket(request.principal, ticket);
        // A signed link was handed out with a logged ticket view; opening by login is a view of its own.
        if (allowed && ticket && variant === "file")
          await recordPersonalDataAccess(ctx, request.principal, request.routeOptions.url ?? "", [
            { phone: ticket.customer_phone, ticketNo: ticket.ticket_no, fields: ["attachment"] },
          ]);
      }
      if (!allowed) throw notFound;
      if (variant === "thumbnail" && !row.has_thumbnail) throw notFound;
      const file = join(dir, variant === "thumbnail" ? `${id}.thumb.webp` : id);
      reply.header("content-type", variant === "thumbnail" ? "image/webp" : row.mime);
      reply.header("x-content-type-options", "nosniff");
      reply.header("cache-control", "private, max-age=3600");
      return reply.send(await readFile(file));
    },
  );
}
