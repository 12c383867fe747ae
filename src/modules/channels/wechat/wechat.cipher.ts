import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * The official account's safe mode (安全模式): every message body is AES-256-CBC encrypted with the account's
 * EncodingAESKey and signed with the token, and so must our reply be. The layout is WeChat's: 16 random
 * bytes, the message length as 4 bytes big-endian, the message, the AppID; PKCS#7 padded to 32-byte blocks;
 * the IV is the key's first 16 bytes.
 */
export interface WechatCipher {
  token: string;
  appId: string;
  /** The 43-character EncodingAESKey as configured on the account. */
  aesKey: string;
}

const BLOCK = 32;

export const aesKeyBytes = (encodingAesKey: string): Buffer => Buffer.from(`${encodingAesKey}=`, "base64");

/** sha1 over token, timestamp, nonce and the ciphertext, sorted and joined: the msg_signature. */
export const messageSignature = (
  token: string,
  timestamp: string,
  nonce: string,
  encrypted: string,
): string => createHash("sha1").update([token, timestamp, nonce, encrypted].sort().join("")).digest("hex");

export function messageSignatureValid(
  c: WechatCipher,
  q: { msg_signature?: string; timestamp?: string; nonce?: string },
  encrypted: string,
): boolean {
  if (!q.msg_signature || !q.timestamp || !q.nonce) return false;
  const expected = Buffer.from(messageSignature(c.token, q.timestamp, q.nonce, encrypted));
  const given = Buffer.from(q.msg_signature.toLowerCase());
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The plaintext XML, or null when the ciphertext is not ours (wrong key, wrong AppID, broken padding). */
export function decryptMessage(c: WechatCipher, encrypted: string): string | null {
  try {
    const key = aesKeyBytes(c.aesKey);
    const decipher = createDecipheriv("aes-256-cbc", key, key.subarray(0, 16));
    decipher.setAutoPadding(false);
    const padded = Buffer.concat([decipher.update(Buffer.from(encrypted, "base64")), decipher.final()]);
    const pad = padded[padded.length - 1]!;
    if (pad < 1 || pad > BLOCK) return null;
    const plain = padded.subarray(0, padded.length - pad);
    const length = plain.readUInt32BE(16);
    if (20 + length > plain.length) return null;
    const appId = plain.subarray(20 + length).toString("utf8");
    return appId === c.appId ? plain.subarray(20, 20 + length).toString("utf8") : null;
  } catch {
    return null;
  }
}

export function encryptMessage(c: WechatCipher, xml: string, random: Buffer = randomBytes(16)): string {
  const body = Buffer.from(xml, "utf8");
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  const plain = Buffer.concat([random, length, body, Buffer.from(c.appId, "utf8")]);
  const pad = BLOCK - (plain.length % BLOCK);
  const key = aesKeyBytes(c.aesKey);
  const cipher = createCipheriv("aes-256-cbc", key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([
    cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])),
    cipher.final(),
  ]).toString("base64");
}

/** The encrypted passive reply, signed over its own timestamp and nonce. */
export function encryptedReplyXml(
  c: WechatCipher,
  replyXml: string,
  timestamp: string,
  nonce: string,
): string {
  const encrypted = encryptMessage(c, replyXml);
  const signature = messageSignature(c.token, timestamp, nonce, encrypted);
  return `<xml><Encrypt><![CDATA[${encrypted}]]></Encrypt><MsgSignature><![CDATA[${signature}]]></MsgSignature><TimeStamp>${timestamp}</TimeStamp><Nonce><![CDATA[${nonce}]]></Nonce></xml>`;
}
