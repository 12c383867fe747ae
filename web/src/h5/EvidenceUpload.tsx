import { PlusOutlined } from "@ant-design/icons";
import { Image, Typography, Upload, type UploadFile } from "antd";
import { useState } from "react";
import type { Answer } from "../api/client.ts";
import { useLocale } from "../i18n/locale.tsx";

export type Uploaded = Answer<"post", "/api/v1/attachments">;
type ErrorBody = { error?: { message?: string; details?: { message?: string }[] } };

export const MAX_FILES = 9;

/** The API's own words for a refused file (wrong type, too large), else a plain "upload failed". */
export function uploadError(file: UploadFile, fallback: string): string {
  const body = file.response as ErrorBody | undefined;
  return body?.error?.details?.[0]?.message ?? body?.error?.message ?? fallback;
}

export const uploadedIds = (files: UploadFile[]): string[] =>
  files.filter((f) => f.status === "done").map((f) => (f.response as Uploaded).id);

/**
 * Photos and videos go up as soon as they are picked, with a progress bar each; the request form only
 * sends their ids. Previews are made in the browser, so they show before the upload finishes.
 */
export function EvidenceUpload({
  files = [],
  onChange,
  id,
}: {
  /** Given by the enclosing Form.Item. */
  files?: UploadFile[];
  onChange?(files: UploadFile[]): void;
  id?: string;
}) {
  const { locale, t } = useLocale();
  const [preview, setPreview] = useState<string>();
  return (
    <>
      <Upload
        id={id}
        action="/api/v1/attachments"
        name="file"
        headers={{ "accept-language": locale }}
        accept="image/jpeg,image/png,image/webp,video/mp4"
        listType="picture-card"
        multiple
        maxCount={MAX_FILES}
        fileList={files}
        onChange={({ fileList }) => onChange?.(fileList)}
        onPreview={(file) => setPreview(file.thumbUrl ?? file.url)}
      >
        {files.length < MAX_FILES && (
          <button type="button" style={{ border: 0, background: "none", cursor: "pointer" }}>
            <PlusOutlined />
            <div style={{ marginTop: 6 }}>{t("upload")}</div>
          </button>
        )}
      </Upload>
      {files
        .filter((f) => f.status === "error")
        .map((f) => (
          <Typography.Paragraph key={f.uid} type="danger" role="alert" style={{ margin: "4px 0" }}>
            {t("uploadFileFailed", { name: f.name, error: uploadError(f, t("uploadFailed")) })}
          </Typography.Paragraph>
        ))}
      {preview && (
        <Image
          style={{ display: "none" }}
          src={preview}
          preview={{ open: true, onOpenChange: (open) => !open && setPreview(undefined) }}
        />
      )}
    </>
  );
}
