import type { Db } from "../../db/database.ts";
import type { IntakeAttachment } from "../intake/intake.domain.ts";

export interface NewAttachment {
  id: string;
  kind: "image" | "video";
  mime: string;
  sizeBytes: number;
  sha256: string;
  fileName: string | null;
  capturedAt: Date | null;
  uploadedAt: Date;
  hasThumbnail: boolean;
}

export async function insertAttachment(db: Db, a: NewAttachment): Promise<void> {
  await db
    .insertInto("attachments")
    .values({
      id: a.id,
      kind: a.kind,
      mime: a.mime,
      size_bytes: a.sizeBytes,
      sha256: a.sha256,
      file_name: a.fileName,
      captured_at: a.capturedAt,
      uploaded_at: a.uploadedAt,
      has_thumbnail: a.hasThumbnail,
    })
    .execute();
}

export async function findAttachmentsForIntake(db: Db, ids: string[]): Promise<IntakeAttachment[]> {
  const rows = await db
    .selectFrom("attachments")
    .select(["id", "kind", "ticket_no"])
    .where("id", "in", ids)
    .execute();
  return rows.map((r) => ({ id: r.id, kind: r.kind, ticketNo: r.ticket_no }));
}

export const findAttachment = (db: Db, id: string) =>
  db.selectFrom("attachments").selectAll().where("id", "=", id).executeTakeFirst();

export const listTicketAttachments = (db: Db, ticketNo: string) =>
  db
    .selectFrom("attachments")
    .select(["id", "kind", "mime", "size_bytes", "captured_at", "uploaded_at", "has_thumbnail"])
    .where("ticket_no", "=", ticketNo)
    .orderBy("uploaded_at")
    .execute();

export async function linkAttachments(db: Db, ids: string[], ticketNo: string): Promise<number> {
  if (!ids.length) return 0;
  const r = await db
    .updateTable("attachments")
    .set({ ticket_no: ticketNo })
    .where("id", "in", ids)
    .where("ticket_no", "is", null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}
