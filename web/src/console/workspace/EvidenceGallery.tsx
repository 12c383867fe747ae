import { Alert, Card, Empty, Image, Space } from "antd";
import { useLocale } from "../../i18n/locale.tsx";
import { formatTime } from "../../shared/format.ts";
import type { Ticket } from "./types.ts";

/** The customer's photos and videos through the signed links the detail route hands out. */
export function EvidenceGallery({ ticket }: { ticket: Ticket }) {
  const { locale, t } = useLocale();
  const images = ticket.attachments.filter((a) => a.kind === "image");
  const videos = ticket.attachments.filter((a) => a.kind === "video");
  return (
    <Card
      title={`${t("evidenceGallery")} (${ticket.attachments.length})`}
      size="small"
      style={{ marginBottom: 16 }}
    >
      {ticket.evidenceAwaited && (
        <Alert type="warning" showIcon title={t("evidenceAwaited")} style={{ marginBottom: 8 }} />
      )}
      {ticket.attachments.length === 0 && (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("noEvidence")} />
      )}
      <Image.PreviewGroup>
        <Space wrap>
          {images.map((a, i) => (
            <Image
              key={a.id}
              width={96}
              height={96}
              style={{ objectFit: "cover", borderRadius: 6 }}
              src={a.thumbnailUrl ?? a.url}
              preview={{ src: a.url }}
              alt={`${t("evidenceGallery")} ${i + 1}${a.capturedAt ? ` · ${formatTime(a.capturedAt, locale)}` : ""}`}
              data-testid="evidence-image"
            />
          ))}
        </Space>
      </Image.PreviewGroup>
      {videos.map((a) => (
        // biome-ignore lint/a11y/useMediaCaption: customers' evidence videos come without captions.
        <video
          key={a.id}
          src={a.url}
          controls
          preload="metadata"
          style={{ width: "100%", marginTop: 8, borderRadius: 6 }}
        />
      ))}
    </Card>
  );
}
