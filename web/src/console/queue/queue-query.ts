import type { QueryParams } from "../../api/client.ts";
import { STATUSES } from "../../shared/domain.ts";
import { every } from "../../shared/every.ts";

export type ListQuery = NonNullable<QueryParams<"get", "/api/v1/tickets">>;
export type View = NonNullable<ListQuery["view"]> | "all";
export type Sort = NonNullable<ListQuery["sort"]>;

/** "all" plus every saved view the list route offers; `every` fails the build when the route gains one. */
export const VIEWS: View[] = [
  "all",
  ...every<NonNullable<ListQuery["view"]>>()([
    "mine",
    "unassigned",
    "urgent",
    "due_soon",
    "breached",
    "escalated",
  ]),
];
/** Views about one's own work make no sense to those who only read (merchants, quality). */
export const WORK_VIEWS: View[] = ["mine", "unassigned"];

const CLOSED = ["resolved", "closed", "not_applicable"];
export const OPEN_STATUSES = STATUSES.filter((s) => !CLOSED.includes(s));
export { STATUSES };

/** What the queue shows, kept in the URL: a view can be bookmarked, shared and reloaded. */
export interface QueueState {
  view: View;
  status: string[];
  businessLine?: string;
  category?: string;
  severity?: ListQuery["severity"];
  channel?: ListQuery["channel"];
  queue?: ListQuery["queue"];
  q?: string;
  sort?: Sort;
  page: number;
  pageSize: number;
}

export function readQueueState(search: URLSearchParams): QueueState {
  const view = search.get("view") as View | null;
  const num = (name: string, fallback: number) => {
    const n = Number(search.get(name));
    return Number.isInteger(n) && n > 0 ? n : fallback;
  };
  const opt = <T extends string>(name: string) => (search.get(name) || undefined) as T | undefined;
  return {
    view: view && VIEWS.includes(view) ? view : "all",
    status: (search.get("status") ?? "").split(",").filter(Boolean),
    businessLine: opt("businessLine"),
    category: opt("category"),
    severity: opt("severity"),
    channel: opt("channel"),
    queue: opt("queue"),
    q: opt("q"),
    sort: opt("sort"),
    page: num("page", 1),
    pageSize: Math.min(200, num("pageSize", 20)),
  };
}

export function queueHref(state: QueueState): string {
  const params = new URLSearchParams();
  if (state.view !== "all") params.set("view", state.view);
  if (state.status.length) params.set("status", state.status.join(","));
  for (const key of ["businessLine", "category", "severity", "channel", "queue", "q", "sort"] as const) {
    const v = state[key];
    if (v) params.set(key, v);
  }
  if (state.page > 1) params.set("page", String(state.page));
  if (state.pageSize !== 20) params.set("pageSize", String(state.pageSize));
  const qs = params.toString();
  return `/console/tickets${qs ? `?${qs}` : ""}`;
}

/** The list route's query for a state: the "all" view means every open ticket. */
export function listQuery(state: QueueState): ListQuery {
  return {
    ...(state.view !== "all" ? { view: state.view } : {}),
    ...(state.status.length
      ? { status: state.status.join(",") }
      : state.view === "all"
        ? { status: OPEN_STATUSES.join(",") }
        : {}),
    businessLine: state.businessLine,
    category: state.category,
    severity: state.severity,
    channel: state.channel,
    queue: state.queue,
    q: state.q,
    sort: state.sort,
    limit: state.pageSize,
    offset: (state.page - 1) * state.pageSize,
  };
}

/** The count behind each view's tab: the same route, one row, its `total`. */
export const countQuery = (view: View): ListQuery =>
  view === "all" ? { status: OPEN_STATUSES.join(","), limit: 1 } : { view, limit: 1 };
