import { createHmac } from "node:crypto";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { download, jpeg, mp4, noisyJpeg, png, upload, webp } from "./helpers/evidence.ts";
import { served } from "./helpers/served.ts";
import { client, createOrder, LONG_TEXT } from "./helpers/server.ts";

const app = served("admin", "agent1");

/** Files the evidence with a ticket and answers the ticket's attachment list, as staff see it. */
async function attachToTicket(id: string) {
  const { phone, orderNo } = await createOrder(app.url, app.token.admin);
  const r = await client(app.url).post("/api/v1/tickets", {
    channel: "app",
    phone,
    orderNo,
    description: LONG_TEXT,
    attachmentIds: [id],
  });
  expect(r.status).toBe(201);
  return (await app.as("agent1").get(`/api/v1/tickets/${r.body.ticketNo}`)).body.attachments;
}

describe("uploading evidence", () => {
  it.each([
    ["JPEG", jpeg, "photo.jpg", "image/jpeg"],
    ["PNG", png, "photo.png", "image/png"],
    ["WebP", webp, "photo.webp", "image/webp"],
  ])("accepts a %s photo and makes a thumbnail", async (_format, make, name, type) => {
    const r = await upload(app.url, await make(), name, type);
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ kind: "image" });
    expect(r.body.id).toEqual(expect.any(String));
    expect(r.body.thumbnailUrl).toMatch(/^\/api\/v1\/attachments\/.+\/thumbnail\?exp=\d+&sig=/);

    const thumb = await download(app.url, r.body.thumbnailUrl);
    expect(thumb.status).toBe(200);
    expect(thumb.contentType).toBe("image/webp");
    expect((await sharp(thumb.bytes).metadata()).format).toBe("webp");
  });

  it("accepts an MP4 video, recognised by its bytes", async () => {
    const r = await upload(app.url, mp4(2048), "clip.bin", "application/octet-stream");
    expect(r.status).toBe(201);
    expect(r.body.kind).toBe("video");
    expect(r.body.thumbnailUrl).toBeUndefined();
  });

  it("refuses a web page dressed up as a photo with 415", async () => {
    const page = Buffer.from("<!doctype html><html><body><script>alert(1)</script></body></html>");
    const r = await upload(app.url, page, "photo.jpg", "image/jpeg");
    expect(r.status).toBe(415);
    expect(r.body.error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    expect(r.body.error.details[0]).toMatchObject({ field: "file" });
  });

  it("refuses a request without a file", async () => {
    const r = await client(app.url).post("/api/v1/attachments", { file: "x" });
    expect(r.status).toBe(400);
    expect(r.body.error.details[0]).toMatchObject({ field: "file", code: "REQUIRED" });
  });

  it("an uploaded photo can be named by one request only", async () => {
    const photo = await upload(app.url, await jpeg());
    await attachToTicket(photo.body.id);
    const { phone, orderNo } = await createOrder(app.url, app.token.admin);
    const again = await client(app.url).post("/api/v1/tickets", {
      channel: "app",
      phone,
      orderNo,
      description: LONG_TEXT,
      attachmentIds: [photo.body.id],
    });
    expect(again.status).toBe(400);
    expect(again.body.error.details).toEqual([expect.objectContaining({ code: "UNKNOWN_ATTACHMENT" })]);
  });
});

describe("size limits", () => {
  const small = served({ env: { UPLOAD_MAX_IMAGE_BYTES: "2000", UPLOAD_MAX_VIDEO_BYTES: "100000" } });

  it("refuses a photo over the image limit with 413 and still takes a small one", async () => {
    const big = await noisyJpeg(100);
    expect(big.length).toBeGreaterThan(2000);
    expect(big.length).toBeLessThan(100_000);
    const r = await upload(small.url, big);
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(r.body.error.details[0]).toMatchObject({ field: "file", code: "FILE_TOO_LARGE" });

    const tiny = await jpeg();
    expect(tiny.length).toBeLessThan(2000);
    expect((await upload(small.url, tiny)).status).toBe(201);
  });

  it("refuses a video over the video limit with 413", async () => {
    const r = await upload(small.url, mp4(150_000), "clip.mp4", "video/mp4");
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe("PAYLOAD_TOO_LARGE");
  });
});

describe("photo metadata", () => {
  it("keeps the capture time and strips EXIF (GPS included) from the stored photo", async () => {
    const shot = await sharp({ create: { width: 80, height: 60, channels: 3, background: "#080" } })
      .jpeg()
      .withExif({
        IFD0: { Make: "TestPhone", DateTime: "2026:11:20 12:30:00" },
        IFD2: { DateTimeOriginal: "2026:11:20 12:30:00" },
        IFD3: { GPSLatitudeRef: "N", GPSLongitudeRef: "E" },
      })
      .toBuffer();
    expect((await sharp(shot).metadata()).exif).toBeDefined();

    const r = await upload(app.url, shot);
    expect(r.status).toBe(201);
    // The phone's clock shows Beijing time (UTC+8).
    expect(r.body.capturedAt).toBe("2026-11-20T04:30:00.000Z");

    const [stored] = await attachToTicket(r.body.id);
    expect(stored.capturedAt).toBe("2026-11-20T04:30:00.000Z");
    const file = await download(app.url, stored.url);
    expect(file.status).toBe(200);
    expect(file.contentType).toBe("image/jpeg");
    const meta = await sharp(file.bytes).metadata();
    expect(meta.exif).toBeUndefined();
    expect([meta.width, meta.height]).toEqual([80, 60]);
  });

  it("has no capture time when the photo carries none", async () => {
    const r = await upload(app.url, await png());
    expect(r.body.capturedAt).toBeNull();
  });
});

describe("links to evidence", () => {
  it("open only when signed by the server: an unsigned or tampered link is 404", async () => {
    const r = await upload(app.url, await jpeg());
    const link: string = r.body.thumbnailUrl;
    const url = new URL(link, app.url);
    const exp = url.searchParams.get("exp")!;
    const sig = url.searchParams.get("sig")!;
    const flipped = `${sig[0] === "A" ? "B" : "A"}${sig.slice(1)}`;
    expect((await download(app.url, link)).status).toBe(200);

    for (const bad of [
      url.pathname,
      `${url.pathname}?exp=${exp}&sig=${flipped}`,
      `${url.pathname}?exp=${Number(exp) + 60}&sig=${sig}`,
      `${url.pathname.replace("/thumbnail", "/file")}?exp=${exp}&sig=${sig}`,
      `/api/v1/attachments/${r.body.id}x/thumbnail?exp=${exp}&sig=${sig}`,
    ]) {
      const res = await download(app.url, bad);
      expect(res.status, bad).toBe(404);
      expect(JSON.parse(res.bytes.toString()).error.code).toBe("NOT_FOUND");
    }
  });

  it("stop opening once expired, even with a genuine signature", async () => {
    const r = await upload(app.url, await jpeg());
    const signed = (exp: number) => {
      const sig = createHmac("sha256", app.server.app.ctx.config.authSecret)
        .update(`${r.body.id}:thumbnail:${exp}`)
        .digest("base64url");
      return `/api/v1/attachments/${r.body.id}/thumbnail?exp=${exp}&sig=${sig}`;
    };
    const now = Math.floor(Date.now() / 1000);
    expect((await download(app.url, signed(now + 600))).status).toBe(200);
    expect((await download(app.url, signed(now - 60))).status).toBe(404);
  });
});
