import { CheckCircleFilled } from "@ant-design/icons";
import { Button, Typography } from "antd";
import type { Answer } from "../api/client.ts";
import { type Locale, useLocale } from "../i18n/locale.tsx";
import { formatTime } from "../shared/format.ts";
import { LinkButton, useLocation } from "../shared/router.tsx";
import { H5Frame } from "./H5App.tsx";

type Ack = Answer<"post", "/api/v1/tickets">;

/**
 * The phone stays in this tab only, so the progress page opens without asking again; a link opened
 * later (from the SMS) asks for it, since the ticket number alone must not reveal anything.
 */
const phoneKey = (ticketNo: string) => `aftersale.phone.${ticketNo}`;
export const rememberPhone = (ticketNo: string, phone: string) =>
  window.sessionStorage.setItem(phoneKey(ticketNo), phone);
export const rememberedPhone = (ticketNo: string) => window.sessionStorage.getItem(phoneKey(ticketNo));

/**
 * Another request from where this one came: the link's channel (app, WeChat) and phone, and the language
 * shown now, but not its order. The page reloads, so what the address does not keep would be lost.
 */
function anotherRequestHref(search: URLSearchParams, locale: Locale): string {
  const next = new URLSearchParams(search);
  next.delete("orderNo");
  if (next.has("lang")) next.set("lang", locale);
  const qs = next.toString();
  return qs ? `/h5/new?${qs}` : "/h5/new";
}

export function Acknowledgement({ ack }: { ack: Ack }) {
  const { locale, t } = useLocale();
  const { search } = useLocation();
  const a = ack.acknowledgement;
  return (
    <H5Frame title={t("ackTitle")}>
      <section className="h5-card h5-ack" aria-live="polite">
        <CheckCircleFilled style={{ fontSize: 48, color: "#52c41a" }} aria-hidden />
        <h2 style={{ marginTop: 12 }}>{t("ackTitle")}</h2>
        <div className="h5-time">{t("ticketNo")}</div>
        <Typography.Paragraph
          className="h5-ticket-no"
          copyable={{ text: ack.ticketNo, tooltips: [t("copy"), t("copied")] }}
          data-testid="ticket-no"
        >
          {ack.ticketNo}
        </Typography.Paragraph>
        <p style={{ textAlign: "left", lineHeight: 1.7 }}>{a.text}</p>
        <dl className="h5-facts">
          <dt>{t("firstResponseBy")}</dt>
          <dd>{formatTime(a.firstResponseDueAt, locale)}</dd>
          <dt>{t("resolutionBy")}</dt>
          <dd>{formatTime(a.resolutionDueAt, locale)}</dd>
          <dt>{t("serviceHours")}</dt>
          <dd>{a.serviceHours}</dd>
        </dl>
        <LinkButton to={`/h5/progress/${ack.ticketNo}`} type="primary" size="large" block>
          {t("viewProgress")}
        </LinkButton>
        <Button type="link" href={anotherRequestHref(search, locale)} style={{ marginTop: 8 }}>
          {t("newRequest")}
        </Button>
      </section>
    </H5Frame>
  );
}
