import { api } from "../api/client.ts";
import { useLocale } from "../i18n/locale.tsx";
import { formatTime } from "../shared/format.ts";
import { useAsync } from "../shared/useAsync.ts";
import { LinkedText } from "./LinkedText.tsx";

/** The customer's in-app messages (站内信) about this ticket; `version` changes when the progress does. */
export function Messages({ ticketNo, phone, version }: { ticketNo: string; phone: string; version: number }) {
  const { locale } = useLocale();
  const messages = useAsync(
    (signal) =>
      api.get("/api/v1/tickets/{ticketNo}/messages", { path: { ticketNo }, query: { phone }, signal }),
    [ticketNo, phone, version],
  );
  const items = messages.data?.items ?? [];
  if (!items.length) return null;
  return (
    <section className="h5-card" aria-labelledby="messages-heading" data-testid="progress-messages">
      <h2 id="messages-heading">{locale === "en" ? "Messages" : "站内信"}</h2>
      {[...items].reverse().map((m) => (
        <article key={m.id} style={{ padding: "8px 0", borderTop: "1px solid #f0f0f0" }}>
          {m.subject && <strong>{m.subject}</strong>}
          <div style={{ whiteSpace: "pre-wrap" }}>
            <LinkedText text={m.body} />
          </div>
          <div className="h5-time">{formatTime(m.at, locale)}</div>
        </article>
      ))}
    </section>
  );
}
