import type { Session } from "../session.ts";

/**
 * Calls to the analytics, rider and QA report routes. They are newer than the typed client's schema
 * snapshot, so they go through this small fetch with the session's token; errors carry the server's text.
 */
export async function reportsFetch<T>(
  session: Session | null,
  path: string,
  init: { method?: "GET" | "POST"; body?: unknown; locale?: string; signal?: AbortSignal } = {},
): Promise<T> {
  const res = await fetch(path, {
    method: init.method ?? "GET",
    signal: init.signal,
    headers: {
      authorization: `Bearer ${session?.token ?? ""}`,
      "accept-language": init.locale ?? "zh-CN",
      ...(init.body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(json?.error?.message ?? res.statusText);
  return json as T;
}

/** Saves a file the server sends (CSV, XLSX, PDF) under the name it gives. */
export async function downloadFile(
  session: Session | null,
  path: string,
  fallbackName: string,
  locale: string,
) {
  const res = await fetch(path, {
    headers: { authorization: `Bearer ${session?.token ?? ""}`, "accept-language": locale },
  });
  if (!res.ok) throw new Error((await res.json().catch(() => null))?.error?.message ?? res.statusText);
  const name = /filename="([^"]+)"/.exec(res.headers.get("content-disposition") ?? "")?.[1] ?? fallbackName;
  const href = URL.createObjectURL(await res.blob());
  const a = Object.assign(document.createElement("a"), { href, download: name });
  a.click();
  URL.revokeObjectURL(href);
}

/** This month in Beijing time, as the reports count months. */
export const thisMonth = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7);
export const pct = (v: number | null | undefined) =>
  v === null || v === undefined ? "—" : `${(v * 100).toFixed(1)}%`;
export const num = (v: number | null | undefined) => (v === null || v === undefined ? "—" : String(v));
