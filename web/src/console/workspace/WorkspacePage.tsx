import { Alert, Button, Card, Col, Descriptions, Result, Row, Skeleton } from "antd";
import { api } from "../../api/client.ts";
import { useLocale } from "../../i18n/locale.tsx";
import { formatTime } from "../../shared/format.ts";
import { useStaffLive } from "../../shared/live.ts";
import { usePack } from "../../shared/packs.ts";
import { useAsync } from "../../shared/useAsync.ts";
import { VerificationPanel } from "../merchant/VerificationPanel.tsx";
import { NotificationLog } from "../notifications/NotificationLog.tsx";
import { RemedyPanels } from "../remedies/RemedyPanels.tsx";
import { can, useSession } from "../session.ts";
import { Actions } from "./Actions.tsx";
import { CustomerTickets } from "./CustomerTickets.tsx";
import { EventTimeline } from "./EventTimeline.tsx";
import { EvidenceGallery } from "./EvidenceGallery.tsx";
import { OrderPanel } from "./OrderPanel.tsx";
import { OtherViewers } from "./OtherViewers.tsx";
import { ReplyBox } from "./ReplyBox.tsx";
import { TicketHeader } from "./TicketHeader.tsx";

/** One ticket, everything needed to settle it on one screen; it follows changes made elsewhere live. */
export function WorkspacePage({ ticketNo }: { ticketNo: string }) {
  const { locale, t } = useLocale();
  const session = useSession()!;
  const detail = useAsync(
    (signal) => api.get("/api/v1/tickets/{ticketNo}", { path: { ticketNo }, signal }),
    [ticketNo],
  );
  const order = useAsync(
    (signal) => api.get("/api/v1/tickets/{ticketNo}/order", { path: { ticketNo }, signal }),
    [ticketNo],
  );
  const ticket = detail.data;
  const pack = usePack(ticket?.businessLine);

  // Several changes to this ticket in quick succession make one re-read, not one each.
  useStaffLive(() => detail.reload(true), { everyMs: 300, concerns: (c) => c.ticketNo === ticketNo });

  if (detail.error && !ticket)
    return (
      <Card>
        <Result
          status={detail.error.status === 404 ? "404" : "warning"}
          title={detail.error.message}
          extra={<Button onClick={() => detail.reload()}>{t("retry")}</Button>}
        />
      </Card>
    );
  if (!ticket)
    return (
      <Card>
        <Skeleton active paragraph={{ rows: 8 }} />
      </Card>
    );

  const refresh = () => {
    detail.reload(true);
  };
  const foreignObject = ticket.details.foreignObject as Record<string, string> | undefined;
  return (
    <div>
      <TicketHeader
        ticket={ticket}
        pack={pack.data}
        actions={<Actions ticket={ticket} session={session} pack={pack.data} onDone={refresh} />}
      />
      <Row gutter={16}>
        <Col xs={24} lg={10} xl={9}>
          <Card title={t("request")} size="small" style={{ marginBottom: 16 }}>
            <p style={{ whiteSpace: "pre-wrap", marginTop: 0 }} data-testid="ticket-description">
              {ticket.description}
            </p>
            <Descriptions
              size="small"
              column={1}
              items={[
                ...(ticket.occurredAt
                  ? [
                      {
                        key: "at",
                        label: t("occurredAt"),
                        children: formatTime(ticket.occurredAt, locale, true),
                      },
                    ]
                  : []),
                ...(foreignObject
                  ? [
                      {
                        key: "fo",
                        label: t("foreignObject"),
                        children: `${foreignObject.colour} · ${foreignObject.shape} · ${foreignObject.size}`,
                      },
                    ]
                  : []),
              ]}
            />
          </Card>
          <OrderPanel ticket={ticket} order={order.data} orderError={order.error} pack={pack.data} />
          {/* Staff who see phones masked are not offered a search by the number. */}
          {!ticket.customerPhone.includes("*") && <CustomerTickets ticket={ticket} />}
          <EvidenceGallery ticket={ticket} />
        </Col>
        <Col xs={24} lg={14} xl={15}>
          {can(session, "merchant.verify") && (
            <VerificationPanel ticketNo={ticketNo} clocks={ticket.sla.clocks} onDone={refresh} />
          )}
          {can(session, "tickets.work") && <OtherViewers ticketNo={ticketNo} />}
          {can(session, "tickets.work") ? (
            <ReplyBox ticketNo={ticketNo} latestSeen={ticket.events.at(-1)?.at} onSent={refresh} />
          ) : (
            <Alert type="info" showIcon title={t("readOnly")} style={{ marginBottom: 16 }} />
          )}
          <RemedyPanels ticket={ticket} session={session} onChanged={refresh} />
          <EventTimeline events={ticket.events} pack={pack.data} />
          <NotificationLog ticketNo={ticketNo} />
        </Col>
      </Row>
    </div>
  );
}
