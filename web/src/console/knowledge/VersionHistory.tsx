import { Card, Tag, Timeline, Typography } from "antd";
import type { Answer } from "../../api/client.ts";
import { useLocale } from "../../i18n/locale.tsx";
import { formatTime } from "../../shared/format.ts";
import { type KbWordKey, useKbWords } from "./words.ts";

type Version = Answer<"get", "/api/v1/knowledge/entries/{id}/versions">["items"][number];

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Which fields a version changed compared with the one before it, in the words an editor uses. */
export function changedFields(v: Version, before: Version | undefined): KbWordKey[] {
  if (!before) return [];
  const out: KbWordKey[] = [];
  for (const f of ["title", "body", "businessLines", "tags", "status"] as const)
    if (!same(v[f], before[f])) out.push(`f_${f}`);
  const { intent, variants, variables: _derived, ...rest } = v.data;
  const { intent: i0, variants: v0, variables: _d0, ...rest0 } = before.data;
  if (!same(intent, i0)) out.push("f_intent");
  if (!same(variants, v0)) out.push("f_variants");
  if (!same(rest, rest0)) out.push("f_data");
  return out;
}

/** Every version of an entry, newest first: who, when, why and what changed. */
export function VersionHistory({ versions }: { versions: Version[] }) {
  const { locale } = useLocale();
  const w = useKbWords();
  return (
    <Card size="small" title={w("history")} data-testid="kb-history">
      <Timeline
        items={versions.map((v, i) => {
          const changed = changedFields(v, versions[i + 1]);
          return {
            key: v.version,
            color: i === 0 ? "blue" : "gray",
            content: (
              <div data-testid={`kb-version-${v.version}`}>
                <Typography.Text strong>{`${w("version")} ${v.version}`}</Typography.Text>
                {" · "}
                {v.editedBy}
                {" · "}
                <Typography.Text type="secondary">{formatTime(v.editedAt, locale)}</Typography.Text>
                <div>
                  {versions[i + 1] ? (
                    changed.map((f) => <Tag key={f}>{w(f)}</Tag>)
                  ) : (
                    <Tag>{w("firstVersion")}</Tag>
                  )}
                  {v.status === "archived" && <Tag>{w("archived")}</Tag>}
                </div>
                {v.note && <div>{v.note}</div>}
              </div>
            ),
          };
        })}
      />
    </Card>
  );
}
