import { EyeOutlined } from "@ant-design/icons";
import { Alert } from "antd";
import { useEffect, useState } from "react";
import { type Answer, api } from "../../api/client.ts";
import { useLocale } from "../../i18n/locale.tsx";

type Viewer = Answer<"put", "/api/v1/tickets/{ticketNo}/viewers/me">["viewers"][number];

/**
 * Tells the agent who else has this ticket open, so two people do not answer one customer unknowingly.
 * While mounted it calls in at the pace the server asks for; leaving the ticket says so at once (a tab
 * closed without a word drops out when its calls stop).
 */
export function OtherViewers({ ticketNo }: { ticketNo: string }) {
  const { t } = useLocale();
  const [viewers, setViewers] = useState<Viewer[]>([]);
  useEffect(() => {
    let stopped = false;
    let timer: number | undefined;
    const beat = async () => {
      let nextSeconds = 15;
      try {
        const r = await api.put("/api/v1/tickets/{ticketNo}/viewers/me", { path: { ticketNo } });
        if (!stopped) setViewers(r.viewers);
        nextSeconds = r.heartbeatSeconds;
      } catch {
        // A missed call-in is not worth a message: the next one comes soon.
      }
      if (!stopped) timer = window.setTimeout(beat, nextSeconds * 1000);
    };
    void beat();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
      setViewers([]);
      api.delete("/api/v1/tickets/{ticketNo}/viewers/me", { path: { ticketNo } }).catch(() => {});
    };
  }, [ticketNo]);
  if (!viewers.length) return null;
  const names = viewers.map((v) => `${v.displayName}（${v.username}）`).join("、");
  return (
    <Alert
      type="warning"
      showIcon
      icon={<EyeOutlined />}
      title={t("alsoViewing", { names })}
      style={{ marginBottom: 16 }}
      data-testid="other-viewers"
    />
  );
}
