import type { FastifyReply, FastifyRequest } from "fastify";

/**
 * One server-sent-events response. Hijacked from Fastify, so it bypasses serialisation and hooks; a
 * comment line every 20 s keeps proxies from timing the quiet stream out.
 */
export interface SseStream {
  send(event: string, data: unknown): void;
  close(): void;
}

const HEARTBEAT_MS = 20_000;

export function openSse(request: FastifyRequest, reply: FastifyReply, onClose: () => void): SseStream {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache, no-transform",
    connection: "keep-alive",
    // nginx buffers responses by default, which would hold the events back.
    "x-accel-buffering": "no",
  });
  // Tell EventSource how long to wait before reconnecting after a dropped line.
  raw.write("retry: 3000\n\n");
  let open = true;
  const heartbeat = setInterval(() => raw.write(": ping\n\n"), HEARTBEAT_MS);
  heartbeat.unref();
  const finish = () => {
    if (!open) return;
    open = false;
    clearInterval(heartbeat);
    onClose();
  };
  request.raw.on("close", finish);
  raw.on("error", finish);
  return {
    send(event, data) {
      if (open) raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    close() {
      finish();
      raw.end();
    },
  };
}
