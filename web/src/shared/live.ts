import { useEffect, useRef, useState } from "react";
import { api } from "../api/client.ts";
import { useCoalesced } from "./useCoalesced.ts";

/**
 * Server-sent events. The browser's EventSource reconnects by itself after a dropped line; when the
 * server refuses (an expired stream token, a closed ticket's link) it gives up, and we start over with
 * fresh credentials after a pause.
 */
/** `ticketNo` is "*" on (re)connection: anything may have changed meanwhile. */
export type LiveChange = { ticketNo: string; type: string };

function follow(
  open: () => Promise<string>,
  onChange: (change: LiveChange) => void,
  onState: (connected: boolean) => void,
): () => void {
  let source: EventSource | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let failures = 0;

  const connect = async () => {
    let url: string;
    try {
      url = await open();
    } catch {
      return retry();
    }
    if (stopped) return;
    source = new EventSource(url);
    source.addEventListener("ready", () => {
      failures = 0;
      onState(true);
      // Whatever changed before the stream opened (or while it was down) was not heard: re-read once.
      onChange({ ticketNo: "*", type: "ready" });
    });
    source.addEventListener("ticket", (e) => onChange(JSON.parse((e as MessageEvent<string>).data)));
    source.onerror = () => {
      onState(false);
      // CLOSED means the browser will not retry by itself.
      if (source?.readyState === EventSource.CLOSED) retry();
    };
  };
  const retry = () => {
    source?.close();
    if (stopped) return;
    failures += 1;
    timer = setTimeout(connect, Math.min(30_000, 1000 * 2 ** Math.min(failures, 5)));
  };
  void connect();
  return () => {
    stopped = true;
    clearTimeout(timer);
    source?.close();
  };
}

/**
 * Re-reads on the ticket changes the logged-in user may see (those `concerns` keeps; all by default), and
 * when the stream (re)opens, since whatever changed before was not heard. `reread` runs at most once per
 * `everyMs` however many changes arrive (shared/coalesce.ts): a busy hour pushes tens a second, and a page
 * re-reading on each, with ten consoles open, would flood the server.
 */
export function useStaffLive(
  reread: () => void,
  options: { everyMs?: number; concerns?: (change: LiveChange) => boolean; enabled?: boolean } = {},
): boolean {
  const { everyMs = 1000, enabled = true } = options;
  const refresh = useCoalesced(reread, everyMs);
  const onChange = (change: LiveChange) => {
    if (change.ticketNo === "*" || (options.concerns?.(change) ?? true)) refresh();
  };
  const latest = useRef(onChange);
  latest.current = onChange;
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    if (!enabled) return;
    return follow(
      async () => {
        const { token } = await api.post("/api/v1/live/tokens");
        return `/api/v1/live/tickets?token=${encodeURIComponent(token)}`;
      },
      (c) => latest.current(c),
      setConnected,
    );
  }, [enabled]);
  return connected;
}

/** Changes of one ticket, for the customer who knows its number and phone. */
export function useProgressLive(ticketNo: string, phone: string | null, onChange: () => void): boolean {
  const latest = useRef(onChange);
  latest.current = onChange;
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    if (!phone) return;
    return follow(
      async () =>
        `/api/v1/tickets/${encodeURIComponent(ticketNo)}/progress/stream?phone=${encodeURIComponent(phone)}`,
      () => latest.current(),
      setConnected,
    );
  }, [ticketNo, phone]);
  return connected;
}
