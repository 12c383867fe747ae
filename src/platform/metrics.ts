import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** Prometheus metrics of one process. Gauges that need the database are filled when scraped. */
export function createMetrics() {
  const registry = new Registry();
  // The process's own figures (resident memory, heap, event-loop lag, GC): what shows a leak or a
  // saturated process before the request latency does.
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: "aftersale_http_requests_total",
    help: "HTTP requests",
    labelNames: ["method", "route", "status"],
    registers: [registry],
  });
  const latency = new Histogram({
    name: "aftersale_http_request_duration_seconds",
    help: "HTTP request latency",
    labelNames: ["method", "route"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const openTickets = new Gauge({
    name: "aftersale_open_tickets",
    help: "Open tickets by queue",
    labelNames: ["queue"],
    registers: [registry],
  });
  const breaches = new Gauge({
    name: "aftersale_sla_breached_open_tickets",
    help: "Open tickets whose running SLA clock is past its deadline, by clock",
    labelNames: ["clock"],
    registers: [registry],
  });
  const dueSoon = new Gauge({
    name: "aftersale_sla_due_soon_open_tickets",
    help: "Open tickets whose running SLA clock is inside its reminder window, by clock",
    labelNames: ["clock"],
    registers: [registry],
  });
  return { registry, requests, latency, openTickets, breaches, dueSoon };
}

export type Metrics = ReturnType<typeof createMetrics>;
