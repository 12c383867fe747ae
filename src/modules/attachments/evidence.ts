import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import exifReader from "exif-reader";
import sharp from "sharp";
import type { AppContext } from "../../platform/context.ts";
import { randomId, sha256 } from "../../platform/ids.ts";
import { storable } from "../../platform/unstorable.ts";
import { type EvidenceKind, exifTime, sizeProblem, sniff } from "./attachments.domain.ts";
import { findAttachment, insertAttachment } from "./attachments.store.ts";

/**
 * Storing one piece of evidence, from any channel (the upload form, an e-mail attachment): judged by its
 * bytes, size-limited, photos re-encoded without EXIF (GPS included) and given a thumbnail. Returns why a
 * file was refused instead of throwing, so a channel can list the refused files to the customer.
 */

export type EvidenceRefusal = "UNSUPPORTED_FILE_TYPE" | "EMPTY_FILE" | "FILE_TOO_LARGE" | "CORRUPT_IMAGE";

export type SavedEvidence =
  | { ok: true; id: string; kind: EvidenceKind; hasThumbnail: boolean; capturedAt: Date | null }
  | { ok: false; refusal: EvidenceRefusal; kind: EvidenceKind | null };

export const uploadsDir = (ctx: AppContext) => join(ctx.config.dataDir, "uploads");

export const evidenceLimits = (ctx: AppContext) => ({
  image: ctx.config.uploadMaxImageBytes,
  video: ctx.config.uploadMaxVideoBytes,
});

async function processImage(bytes: Buffer) {
  const image = sharp(bytes, { failOn: "error" });
  const meta = await image.metadata();
  let capturedAt: Date | null = null;
  if (meta.exif) {
    try {
      const exif = exifReader(meta.exif);
      capturedAt = exifTime(exif.Photo?.DateTimeOriginal ?? exif.Image?.DateTime);
    } catch {
      // A damaged EXIF block only loses the capture time, not the photo.
    }
  }
  // Re-encoding drops EXIF, GPS included; rotate() first so the picture still stands the right way up.
  const clean = await sharp(bytes).rotate().toBuffer();
  const thumbnail = await sharp(bytes)
    .rotate()
    .resize(320, 320, { fit: "inside" })
    .webp({ quality: 70 })
    .toBuffer();
  return { clean, thumbnail, capturedAt };
}

/**
 * `id` may be given by a channel that can process the same file twice (a re-processed e-mail): the second
 * time finds the first one's row and answers it.
 */
export async function saveEvidence(
  ctx: AppContext,
  bytes: Buffer,
  fileName: string | null,
  id: string = randomId(16),
): Promise<SavedEvidence> {
  const sniffed = sniff(bytes);
  if (!sniffed) return { ok: false, refusal: "UNSUPPORTED_FILE_TYPE", kind: null };
  const tooBig = sizeProblem(sniffed.kind, bytes.length, evidenceLimits(ctx));
  if (tooBig) return { ok: false, refusal: tooBig as EvidenceRefusal, kind: sniffed.kind };
  const earlier = await findAttachment(ctx.db, id);
  if (earlier)
    return {
      ok: true,
      id,
      kind: earlier.kind,
      hasThumbnail: earlier.has_thumbnail,
      capturedAt: earlier.captured_at,
    };

  const dir = uploadsDir(ctx);
  await mkdir(dir, { recursive: true });
  let stored = bytes;
  let capturedAt: Date | null = null;
  let hasThumbnail = false;
  if (sniffed.kind === "image") {
    try {
      const processed = await processImage(bytes);
      stored = processed.clean;
      capturedAt = processed.capturedAt;
      await writeFile(join(dir, `${id}.thumb.webp`), processed.thumbnail);
      hasThumbnail = true;
    } catch {
      return { ok: false, refusal: "CORRUPT_IMAGE", kind: "image" };
    }
  }
  // The file first, then its row: a row never points at a file that is not there.
  await writeFile(join(dir, id), stored);
  await insertAttachment(ctx.db, {
    id,
    kind: sniffed.kind,
    mime: sniffed.mime,
    sizeBytes: stored.length,
    sha256: sha256(stored),
    // A name from a client or a mail, shown to agents: mended, not refused, if the database cannot keep it.
    fileName: fileName ? [...storable(fileName)].slice(0, 200).join("") || null : null,
    capturedAt,
    uploadedAt: ctx.clock.now(),
    hasThumbnail,
  });
  return { ok: true, id, kind: sniffed.kind, hasThumbnail, capturedAt };
}
