import { QuestionCircleOutlined } from "@ant-design/icons";
import { Alert, Button, Collapse, Input, Result, Skeleton, Tag } from "antd";
import { useState } from "react";
import { api } from "../api/client.ts";
import { useLocale } from "../i18n/locale.tsx";
import { Link, navigate, useLocation } from "../shared/router.tsx";
import { useAsync } from "../shared/useAsync.ts";
import { ChatWidget } from "./chat/ChatWidget.tsx";
import { H5Frame } from "./H5App.tsx";
import { helpWord, POPULAR } from "./help-words.ts";

const LINES = ["food_delivery", "fresh_food", "b2b_food_supply", "ecommerce"] as const;
type Line = (typeof LINES)[number];

/** The request form with what the link brought (channel, order, phone), minus the help page's own query. */
function requestHref(search: URLSearchParams): string {
  const rest = new URLSearchParams(search);
  rest.delete("q");
  const qs = rest.toString();
  return qs ? `/h5/new?${qs}` : "/h5/new";
}

/**
 * Self-service: the customer's question goes to the same FAQ matcher the chat bot uses (a confident
 * answer or none) and to the customer-facing search (FAQ and usage guides only; the API never gives
 * the public cases or canned replies). No confident answer leads to the request form.
 */
export function HelpPage() {
  const { locale } = useLocale();
  const w = (k: Parameters<typeof helpWord>[0]) => helpWord(k, locale);
  const { search } = useLocation();
  const line = LINES.find((l) => l === search.get("businessLine"));
  const [q, setQ] = useState(search.get("q") ?? "");
  const asked = search.get("q")?.trim() ?? "";
  const answer = useAsync(
    async (signal) => {
      if (!asked) return undefined;
      const [match, found] = await Promise.all([
        api.get("/api/v1/knowledge/faq/match", { query: { q: asked, businessLine: line as Line }, signal }),
        api.get("/api/v1/knowledge/search", {
          query: { q: asked, businessLine: line as Line, limit: 5 },
          signal,
        }),
      ]);
      return { match, related: found.items.filter((i) => i.id !== match.answer?.id || match.handover) };
    },
    [asked, line],
  );
  // The question lives in the address, so the back button and a shared link show the same answers.
  const ask = (text: string) => {
    const next = new URLSearchParams(search);
    if (text.trim()) next.set("q", text.trim());
    else next.delete("q");
    setQ(text);
    navigate(`/h5/help?${next}`, { replace: true });
  };
  const toRequest = requestHref(search);
  const a = answer.data;
  const confident = a?.match.answered && !a.match.handover;

  return (
    <H5Frame title={w("title")} subtitle={w("subtitle")}>
      <section className="h5-card">
        <Input.Search
          size="large"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          onSearch={ask}
          placeholder={w("ask")}
          aria-label={w("ask")}
          enterButton={w("search")}
          maxLength={200}
          allowClear
        />
        {!asked && (
          <div style={{ marginTop: 12 }}>
            <div className="h5-time">{w("popular")}</div>
            {POPULAR.map((p) => (
              <Tag key={p} style={{ margin: "6px 6px 0 0", cursor: "pointer" }} onClick={() => ask(p)}>
                {p}
              </Tag>
            ))}
          </div>
        )}
      </section>
      {answer.error && (
        <Alert type="error" showIcon title={answer.error.message} style={{ marginBottom: 12 }} />
      )}
      {asked && answer.loading && (
        <section className="h5-card">
          <Skeleton active />
        </section>
      )}
      {a && confident && (
        <section className="h5-card" aria-labelledby="best-heading" data-testid="help-best">
          <h2 id="best-heading">{w("best")}</h2>
          <p style={{ fontWeight: 600, margin: "0 0 6px" }}>{a.match.answer!.question}</p>
          <p style={{ whiteSpace: "pre-wrap", margin: 0 }}>{a.match.answer!.text}</p>
        </section>
      )}
      {a && !confident && (
        <section className="h5-card" data-testid="help-none">
          <Result
            icon={<QuestionCircleOutlined />}
            title={a.match.handover && a.match.answered ? w("handover") : w("noAnswer")}
            subTitle={w("noAnswerHint")}
            extra={
              <Button type="primary" size="large" onClick={() => navigate(toRequest)}>
                {w("fileRequest")}
              </Button>
            }
          />
        </section>
      )}
      {a && a.related.length > 0 && (
        <section className="h5-card" aria-labelledby="related-heading">
          <h2 id="related-heading">{w("related")}</h2>
          <Collapse
            ghost
            items={a.related.map((r) => ({
              key: r.id,
              label: (
                <>
                  {r.kind === "guide" && <Tag color="green">{w("guide")}</Tag>}
                  {r.title}
                </>
              ),
              children: <p style={{ whiteSpace: "pre-wrap", margin: 0 }}>{r.body}</p>,
            }))}
          />
        </section>
      )}
      <ChatWidget locale={locale} phone={search.get("phone") ?? ""} orderNo={search.get("orderNo") ?? ""} />
      {a && confident && (
        <p style={{ textAlign: "center" }}>
          {w("stillNeedHelp")} <Link to={toRequest}>{w("fileRequest")}</Link>
        </p>
      )}
      {/* The published figures (DOMAIN §8), for a customer who wants to know how complaints fare. */}
      <p className="h5-time" style={{ textAlign: "center" }}>
        <Link to="/h5/disclosure">{w("disclosure")}</Link>
      </p>
    </H5Frame>
  );
}

/** "先看看常见问题": from the request form (carrying what its link brought) and the progress page. */
export function HelpLink({ search }: { search?: URLSearchParams }) {
  const { locale } = useLocale();
  const qs = search?.toString();
  return (
    <p className="h5-card" style={{ textAlign: "center", padding: "10px 16px" }}>
      <QuestionCircleOutlined />{" "}
      <Link to={qs ? `/h5/help?${qs}` : "/h5/help"}>{helpWord("openHelp", locale)}</Link>
    </p>
  );
}
