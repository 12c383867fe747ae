import defaults from "./templates/defaults.json" with { type: "json" };
import { ANY, isNoticeKind, type Template, templateId } from "./templates.domain.ts";

/** The templates shipped as data: for every business line and channel, per kind and locale. */
export const SHIPPED_TEMPLATES: ReadonlyMap<string, Template> = new Map(
  defaults.map((t) => {
    if (!isNoticeKind(t.kind)) throw new Error(`templates/defaults.json: unknown kind "${t.kind}"`);
    return [
      templateId({ businessLine: ANY, channel: ANY, locale: t.locale, kind: t.kind }),
      { subject: t.subject, body: t.body },
    ];
  }),
);
