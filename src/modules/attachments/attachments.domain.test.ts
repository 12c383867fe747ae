import exifReader from "exif-reader";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { exifTime, sizeProblem, sniff } from "./attachments.domain.ts";

/** A small real picture, encoded by libvips as a camera or phone would. */
const picture = () => sharp({ create: { width: 16, height: 16, channels: 3, background: "#8a5a2b" } });

/** The start of an ISO base media file: an `ftyp` box with the given major brand. */
const ftyp = (brand: string, compatible = "isomiso2mp41") =>
  new Uint8Array(
    Buffer.concat([
      Buffer.from([0, 0, 0, 8 + 8 + compatible.length]),
      Buffer.from(`ftyp${brand}`, "latin1"),
      Buffer.from([0, 0, 2, 0]),
      Buffer.from(compatible, "latin1"),
      Buffer.alloc(64),
    ]),
  );

const bytes = (text: string) => new Uint8Array(Buffer.from(text, "latin1"));

describe("sniff accepts the photo and video formats phones produce", () => {
  it("JPEG", async () => {
    expect(sniff(await picture().jpeg().toBuffer())).toEqual({
      kind: "image",
      mime: "image/jpeg",
      extension: "jpg",
    });
  });

  it("JPEG with an EXIF block (FF D8 FF E1)", async () => {
    const jpeg = await picture()
      .jpeg()
      .withExif({ IFD0: { Make: "Xiaomi" } })
      .toBuffer();
    expect([...jpeg.subarray(0, 4)]).toEqual([0xff, 0xd8, 0xff, 0xe1]);
    expect(sniff(jpeg)?.mime).toBe("image/jpeg");
  });

  it("PNG", async () => {
    expect(sniff(await picture().png().toBuffer())).toEqual({
      kind: "image",
      mime: "image/png",
      extension: "png",
    });
  });

  it("WebP", async () => {
    expect(sniff(await picture().webp().toBuffer())).toEqual({
      kind: "image",
      mime: "image/webp",
      extension: "webp",
    });
  });

  it.each(["isom", "iso2", "mp41", "mp42", "avc1", "M4V ", "dash", "iso5", "iso6"])(
    "MP4 with major brand %j",
    (brand) => {
      expect(sniff(ftyp(brand))).toEqual({ kind: "video", mime: "video/mp4", extension: "mp4" });
    },
  );

  it("judges by the bytes alone: a JPEG is a JPEG whatever it was called", async () => {
    const jpeg = await picture().jpeg().toBuffer();
    expect(sniff(new Uint8Array(jpeg))?.kind).toBe("image");
  });
});

describe("sniff rejects everything else", () => {
  it.each([
    ["GIF", async () => picture().gif().toBuffer()],
    ["TIFF", async () => picture().tiff().toBuffer()],
    ["AVIF", async () => picture().avif().toBuffer()],
  ])("a real %s image", async (_, make) => {
    expect(sniff(await make())).toBeNull();
  });

  it.each([
    ["a GIF header", "GIF89a\x10\x00\x10\x00"],
    ["a PDF", "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"],
    ["an HTML page renamed .jpg", "<!DOCTYPE html><html><script>alert(1)</script>"],
    ["a script renamed .png", "#!/bin/sh\nrm -rf /\n"],
    ["PHP renamed .jpg", "<?php system($_GET['c']); ?>"],
    ["an SVG", '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'],
    ["a ZIP", "PK\x03\x04\x14\x00\x00\x00"],
    ["a WAV (RIFF but not WEBP)", "RIFF\x24\x00\x00\x00WAVEfmt "],
    ["an AVI (RIFF but not WEBP)", "RIFF\x24\x00\x00\x00AVI LIST"],
    ["a Windows program", "MZ\x90\x00\x03\x00\x00\x00"],
  ])("%s", (_, content) => {
    expect(sniff(bytes(content))).toBeNull();
  });

  it.each(["qt  ", "heic", "3gp4", "avif", "M4A "])(
    "an ISO media file of brand %j (QuickTime, HEIC, …)",
    (brand) => {
      expect(sniff(ftyp(brand))).toBeNull();
    },
  );

  it("a file too short to say what it is", () => {
    expect(sniff(new Uint8Array())).toBeNull();
    expect(sniff(new Uint8Array([0xff, 0xd8]))).toBeNull();
    expect(sniff(new Uint8Array([0x89, 0x50, 0x4e, 0x47]))).toBeNull();
    expect(sniff(bytes("RIFF\x24\x00\x00\x00"))).toBeNull();
    expect(sniff(bytes("\x00\x00\x00\x18ftyp"))).toBeNull();
  });

  it("image bytes that do not start the file", async () => {
    const jpeg = await picture().jpeg().toBuffer();
    expect(sniff(new Uint8Array(Buffer.concat([Buffer.from("<html>"), jpeg])))).toBeNull();
  });
});

describe("sizeProblem", () => {
  const limits = { image: 10 * 1024 * 1024, video: 50 * 1024 * 1024 };

  it("refuses an empty file", () => {
    expect(sizeProblem("image", 0, limits)).toBe("EMPTY_FILE");
    expect(sizeProblem("video", 0, limits)).toBe("EMPTY_FILE");
  });

  it("accepts a file up to its kind's limit, inclusive", () => {
    expect(sizeProblem("image", 1, limits)).toBeNull();
    expect(sizeProblem("image", limits.image, limits)).toBeNull();
    expect(sizeProblem("video", limits.video, limits)).toBeNull();
  });

  it("refuses one byte over the limit", () => {
    expect(sizeProblem("image", limits.image + 1, limits)).toBe("FILE_TOO_LARGE");
    expect(sizeProblem("video", limits.video + 1, limits)).toBe("FILE_TOO_LARGE");
  });

  it("applies the limit of the file's kind", () => {
    const twentyMegabytes = 20 * 1024 * 1024;
    expect(sizeProblem("image", twentyMegabytes, limits)).toBe("FILE_TOO_LARGE");
    expect(sizeProblem("video", twentyMegabytes, limits)).toBeNull();
  });
});

describe("exifTime", () => {
  it("reads the camera's local time as China time (UTC+8)", () => {
    expect(exifTime("2026:11:25 12:30:00")?.toISOString()).toBe("2026-11-25T04:30:00.000Z");
  });

  it("moves a time early in the morning back to the previous day in UTC", () => {
    expect(exifTime("2026:01:01 07:59:59")?.toISOString()).toBe("2025-12-31T23:59:59.000Z");
  });

  it("tolerates what cameras put after the seconds", () => {
    expect(exifTime("2026:11:25 12:30:00\u0000")?.toISOString()).toBe("2026-11-25T04:30:00.000Z");
  });

  it("gives the same instant for a photo's EXIF as read by exif-reader", async () => {
    // The real path: the photo's EXIF block → exif-reader, which returns the wall-clock reading as a Date.
    const jpeg = await picture()
      .jpeg()
      .withExif({ IFD0: { DateTime: "2026:11:25 12:30:00" } })
      .toBuffer();
    const { exif } = await sharp(jpeg).metadata();
    const value = exifReader(exif!).Image?.DateTime;
    expect(value).toBeInstanceOf(Date);
    expect(exifTime(value)?.toISOString()).toBe("2026-11-25T04:30:00.000Z");
  });

  it.each([
    ["the blank EXIF date", "0000:00:00 00:00:00"],
    ["an unset date of spaces", "    :  :     :  :  "],
    ["a date with dashes", "2026-11-25 12:30:00"],
    ["a month 13", "2026:13:01 12:00:00"],
    ["an empty string", ""],
    ["a number", 1764045000],
    ["nothing", undefined],
    ["null", null],
    ["an invalid Date", new Date(Number.NaN)],
  ])("answers null for %s", (_, value) => {
    expect(exifTime(value)).toBeNull();
  });
});
