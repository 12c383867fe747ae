import { randomInt } from "node:crypto";
import sharp from "sharp";
import { client, type Reply } from "./server.ts";

/** Real pictures, made on the spot, as a phone would send them. */
const solid = (background = "#c00", width = 64, height = 64) =>
  sharp({ create: { width, height, channels: 3, background } });

export const jpeg = (background?: string) => solid(background).jpeg().toBuffer();
export const png = (background?: string) => solid(background).png().toBuffer();
export const webp = (background?: string) => solid(background).webp().toBuffer();

/** A JPEG of random pixels: it does not compress, so its size is about what is asked. */
export function noisyJpeg(side = 200): Promise<Buffer> {
  const pixels = Buffer.alloc(side * side * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = randomInt(256);
  return sharp(pixels, { raw: { width: side, height: side, channels: 3 } })
    .jpeg({ quality: 95 })
    .toBuffer();
}

/** The start of an MP4 file: an `ftyp` box with the `isom` brand, then padding standing in for the media. */
export function mp4(totalBytes = 64): Buffer {
  const ftyp = Buffer.concat([
    Buffer.from([0, 0, 0, 0x18]),
    Buffer.from("ftypisom", "ascii"),
    Buffer.from([0, 0, 2, 0]),
    Buffer.from("isomiso2", "ascii"),
  ]);
  return Buffer.concat([ftyp, Buffer.alloc(Math.max(0, totalBytes - ftyp.length))]);
}

/** `POST /api/v1/attachments` with the bytes in multipart field `file`. */
export async function upload(
  base: string,
  bytes: Buffer,
  fileName = "photo.jpg",
  contentType = "image/jpeg",
  headers: Record<string, string> = {},
): Promise<Reply> {
  const form = new FormData();
  form.append("file", new Blob([new Uint8Array(bytes)], { type: contentType }), fileName);
  const res = await fetch(`${base}/api/v1/attachments`, { method: "POST", body: form, headers });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: res.status, body, headers: res.headers };
}

/** Fetches a link the API handed out (a path on the server) and keeps the raw bytes. */
export async function download(
  base: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; contentType: string | null; bytes: Buffer }> {
  const res = await fetch(base + path, { headers });
  return {
    status: res.status,
    contentType: res.headers.get("content-type"),
    bytes: Buffer.from(await res.arrayBuffer()),
  };
}

/** A mainland mobile number no other test (or earlier run on the same PostgreSQL) is likely to use. */
export const randomPhone = (): string => `136${String(randomInt(100_000_000)).padStart(8, "0")}`;

/** A unique order number for this run. */
export const randomOrderNo = (prefix = "T"): string =>
  `${prefix}${Date.now().toString(36).toUpperCase()}${randomInt(1_000_000)}`;

/** Pushes an order for a chosen phone, as the order system would; answers the order number. */
export async function pushOrder(
  base: string,
  adminToken: string,
  phone: string,
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const orderNo = randomOrderNo();
  const r = await client(base, adminToken).put(`/api/v1/orders/${orderNo}`, {
    businessLine: "food_delivery",
    customerPhone: phone,
    merchantId: "M001",
    riderId: "R001",
    region: "上海-浦东",
    items: [{ productId: "P0001", name: "麻辣烫套餐", batchNo: "P0001-B3", quantity: 1, unitPriceFen: 2800 }],
    paidFen: 2800,
    paidAt: new Date(Date.now() - 3600_000).toISOString(),
    ...overrides,
  });
  if (r.status !== 201) throw new Error(`order failed: ${r.status} ${JSON.stringify(r.body)}`);
  return orderNo;
}

/**
 * A foreign-object complaint long enough for the app form (≥ 100 characters): a hair in the food, and
 * no words of other categories.
 */
export const HAIR_IN_FOOD =
  "菜里吃出一根头发，打开餐盒准备吃饭的时候才发现，就在米饭和菜的中间，长长的一根黑色的，看着特别恶心，一口都吃不下去了。" +
  "这家店我经常点，以前从来没有遇到过这种情况，希望平台认真核实，提醒商家注意后厨卫生，也请尽快给我一个答复，谢谢。";
