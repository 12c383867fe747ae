/**
 * What an uploaded file really is, judged by its first bytes and never by its name or declared type:
 * a renamed script stays a script. Only the photo and video formats phones produce are accepted.
 */
export type EvidenceKind = "image" | "video";

export interface Sniffed {
  kind: EvidenceKind;
  mime: "image/jpeg" | "image/png" | "image/webp" | "video/mp4";
  extension: "jpg" | "png" | "webp" | "mp4";
}

const startsWith = (b: Uint8Array, bytes: number[], at = 0) => bytes.every((x, i) => b[at + i] === x);
const ascii = (b: Uint8Array, at: number, s: string) =>
  startsWith(
    b,
    [...s].map((c) => c.charCodeAt(0)),
    at,
  );

export function sniff(bytes: Uint8Array): Sniffed | null {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { kind: "image", mime: "image/jpeg", extension: "jpg" };
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    return { kind: "image", mime: "image/png", extension: "png" };
  if (ascii(bytes, 0, "RIFF") && ascii(bytes, 8, "WEBP"))
    return { kind: "image", mime: "image/webp", extension: "webp" };
  // ISO base media: a box of type "ftyp" at offset 4 whose brand is one of MP4's (not QuickTime's "qt  ").
  if (ascii(bytes, 4, "ftyp")) {
    const brand = String.fromCharCode(...bytes.slice(8, 12));
    if (["isom", "iso2", "mp41", "mp42", "avc1", "M4V ", "dash", "iso5", "iso6"].includes(brand))
      return { kind: "video", mime: "video/mp4", extension: "mp4" };
  }
  return null;
}

export function sizeProblem(
  kind: EvidenceKind,
  size: number,
  limits: { image: number; video: number },
): string | null {
  if (size === 0) return "EMPTY_FILE";
  return size > limits[kind] ? "FILE_TOO_LARGE" : null;
}

/** EXIF keeps "2026:11:25 12:30:00" in the camera's local time; phones in China shoot in UTC+8. */
export function exifTime(value: unknown): Date | null {
  // exif-reader hands the wall-clock reading back as if it were UTC: move it to UTC+8 like the text form.
  if (value instanceof Date)
    return Number.isNaN(value.getTime()) ? null : new Date(value.getTime() - 8 * 3_600_000);
  if (typeof value !== "string") return null;
  const m = /^(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})/.exec(value);
  if (!m) return null;
  const at = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}+08:00`);
  return Number.isNaN(at.getTime()) ? null : at;
}
