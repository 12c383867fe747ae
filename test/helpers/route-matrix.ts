import type { Permission } from "../../src/modules/users/roles.ts";

/**
 * Every route of the app and who may call it, written down by hand so that a change of policy is a visible
 * change of this table. test/route-matrix.test.ts fails when the app has a route that is not here (a new
 * route must be classified) and calls every staff route as every demo role to check the table holds.
 *
 * - `permission`: a staff route guarded by `need(permission)`; the roles are those of PERMISSIONS.
 * - `login`: any logged-in principal (it answers about the caller itself).
 * - `public`: no login; `why` says what protects it instead (phone, signed token, signature, nothing).
 */
export type Access =
  | { permission: Permission }
  | { login: true }
  | { public: string; fuzz?: "body" | "query" };

export interface RouteRule {
  method: "GET" | "POST" | "PUT" | "DELETE";
  url: string;
  access: Access;
  /** The route is only registered under a setting (e.g. the test clock). */
  onlyWith?: string;
}

const staff = (method: RouteRule["method"], url: string, permission: Permission): RouteRule => ({
  method,
  url,
  access: { permission },
});
const open = (method: RouteRule["method"], url: string, why: string, fuzz?: "body" | "query"): RouteRule => ({
  method,
  url,
  access: fuzz ? { public: why, fuzz } : { public: why },
});

export const ROUTE_MATRIX: RouteRule[] = [
  // operations and pages
  open("GET", "/", "redirect to the console"),
  open("GET", "/healthz", "liveness, no data"),
  open("GET", "/metrics", "Prometheus counters, no personal data"),
  open("GET", "/openapi.json", "the API description"),
  open("GET", "/console", "static page; data needs a login"),
  open("GET", "/console/*", "static page; data needs a login"),
  open("GET", "/h5", "static page"),
  open("GET", "/h5/*", "static page"),
  open("GET", "/assets/*", "hashed static assets"),
  { ...open("POST", "/__test__/clock", "test clock"), onlyWith: "AFTERSALE_TEST_CLOCK=1" },

  // sign-in
  open("POST", "/api/v1/auth/login", "password; throttled per user and address", "body"),
  { method: "POST", url: "/api/v1/auth/logout", access: { login: true } },
  { method: "GET", url: "/api/v1/auth/me", access: { login: true } },
  staff("POST", "/api/v1/users", "users.manage"),
  staff("GET", "/api/v1/users", "users.manage"),
  staff("GET", "/api/v1/roles", "users.manage"),
  staff("GET", "/api/v1/agents", "tickets.assign"),
  staff("POST", "/api/v1/api-keys", "users.manage"),
  staff("DELETE", "/api/v1/api-keys/:id", "users.manage"),

  // intake and the customer's side
  open("POST", "/api/v1/tickets", "public form, rate-limited; other channels authenticate", "body"),
  open("POST", "/api/v1/attachments", "public evidence upload, size and type checked, rate-limited"),
  open("GET", "/api/v1/attachments/:id/:variant", "signed link, or staff who may see the ticket"),
  open("GET", "/api/v1/tickets/:ticketNo/progress", "ticket number + phone; both wrong → same 404", "query"),
  open("GET", "/api/v1/tickets/:ticketNo/progress/stream", "ticket number + phone (server-sent events)"),
  open("GET", "/api/v1/tickets/:ticketNo/messages", "ticket number + phone", "query"),
  open(
    "POST",
    "/api/v1/tickets/:ticketNo/messages",
    "ticket number + phone; linked files only fresh uploads",
    "body",
  ),
  open("GET", "/api/v1/tickets/:ticketNo/remedy", "ticket number + phone", "query"),
  open("POST", "/api/v1/tickets/:ticketNo/remedy/response", "phone, or staff with remedies.propose", "body"),
  open("POST", "/api/v1/tickets/:ticketNo/confirm", "ticket number + phone", "body"),
  open(
    "POST",
    "/api/v1/tickets/:ticketNo/withdraw",
    "ticket number + phone, or staff with tickets.work",
    "body",
  ),
  open(
    "POST",
    "/api/v1/customer/codes",
    "phone; codes limited per phone and per address; same answer for any phone",
    "body",
  ),
  open("POST", "/api/v1/customer/sessions", "one-time SMS code, 5 tries, 5 minutes", "body"),
  open("DELETE", "/api/v1/customer/sessions/current", "ends only the caller's own customer session"),
  open("GET", "/api/v1/customer/tickets", "customer session from an SMS code; staff tokens refused"),
  open("GET", "/api/v1/surveys/:token", "unguessable survey token", "query"),
  open("POST", "/api/v1/surveys/:token", "unguessable survey token", "body"),
  open("GET", "/api/v1/knowledge/faq/match", "published FAQ only, rate-limited", "query"),
  open("GET", "/api/v1/knowledge/search", "published FAQ and guides only for the public", "query"),
  open("GET", "/api/v1/knowledge/entries/:id", "published FAQ and guides only for the public"),
  open("GET", "/api/v1/public/disclosure", "published aggregate figures", "query"),
  open("GET", "/api/v1/policy-packs", "public service promises of each line"),
  open("GET", "/api/v1/policy-packs/for-order", "public service promises of an order's line", "query"),
  open("GET", "/api/v1/policy-packs/:businessLine", "public service promises of a line"),
  open("GET", "/api/v1/live/tickets", "short-lived signed token from POST /live/tokens"),

  // machine-to-machine (each checks its own signature or secret)
  open("POST", "/api/v1/payments/callback", "HMAC signature of the payment provider"),
  open("GET", "/api/v1/channels/wechat", "WeChat signature"),
  open("POST", "/api/v1/channels/wechat", "WeChat signature"),
  open("POST", "/api/v1/channels/cti/events", "CTI shared secret"),

  // live chat (test/chat.test.ts drives the sockets)
  open("GET", "/api/v1/chat/customer", "WebSocket; phone (+ order matched to it), rate- and size-limited"),
  staff("GET", "/api/v1/chat/agent", "chat.work"),
  staff("GET", "/api/v1/chats", "chat.work"),
  staff("GET", "/api/v1/chats/:chatId", "chat.work"),
  staff("POST", "/api/v1/chats/:chatId/ticket", "chat.work"),

  // orders
  staff("PUT", "/api/v1/orders/:orderNo", "orders.write"),
  staff("GET", "/api/v1/orders/:orderNo/ledger", "ledger.read"),

  // tickets
  staff("GET", "/api/v1/tickets", "tickets.read"),
  staff("GET", "/api/v1/tickets/:ticketNo", "tickets.read"),
  staff("PUT", "/api/v1/tickets/:ticketNo/viewers/me", "tickets.work"),
  staff("DELETE", "/api/v1/tickets/:ticketNo/viewers/me", "tickets.work"),
  staff("POST", "/api/v1/tickets/:ticketNo/take", "tickets.work"),
  staff("POST", "/api/v1/tickets/:ticketNo/assign", "tickets.assign"),
  staff("POST", "/api/v1/tickets/bulk/assign", "tickets.assign"),
  staff("POST", "/api/v1/tickets/:ticketNo/replies", "tickets.work"),
  staff("POST", "/api/v1/tickets/:ticketNo/transitions", "tickets.work"),
  staff("POST", "/api/v1/tickets/:ticketNo/classification", "tickets.work"),
  staff("POST", "/api/v1/tickets/:ticketNo/merge", "tickets.work"),
  staff("GET", "/api/v1/tickets/:ticketNo/order", "tickets.read"),
  staff("GET", "/api/v1/tickets/:ticketNo/ledger", "ledger.read"),
  staff("GET", "/api/v1/tickets/:ticketNo/notifications", "notifications.read"),
  staff("POST", "/api/v1/live/tokens", "tickets.read"),
  staff("POST", "/api/v1/channels/cti/calls/:callId/ticket", "tickets.register"),
  staff("GET", "/api/v1/channels/cti/metrics", "tickets.work"),

  // remedies and money
  staff("GET", "/api/v1/tickets/:ticketNo/verification", "remedies.read"),
  staff("PUT", "/api/v1/tickets/:ticketNo/verification", "remedies.propose"),
  staff("GET", "/api/v1/tickets/:ticketNo/remedy-proposal", "remedies.read"),
  staff("POST", "/api/v1/tickets/:ticketNo/remedies", "remedies.propose"),
  staff("GET", "/api/v1/tickets/:ticketNo/remedies", "remedies.read"),
  staff("GET", "/api/v1/remedies", "remedies.read"),
  staff("GET", "/api/v1/remedies/:remedyId", "remedies.read"),
  staff("POST", "/api/v1/remedies/:remedyId/approve", "remedies.approve"),
  staff("POST", "/api/v1/remedies/:remedyId/reject", "remedies.approve"),
  staff("POST", "/api/v1/remedies/:remedyId/execute", "remedies.propose"),
  staff("POST", "/api/v1/ledger/entries/:entryId/retry", "ledger.manage"),
  staff("GET", "/api/v1/execution-orders", "execution.read"),
  staff("GET", "/api/v1/execution-orders/:orderId", "execution.read"),
  staff("POST", "/api/v1/execution-orders/:orderId/transitions", "execution.work"),

  // follow-up, knowledge, calendar, escalations
  staff("GET", "/api/v1/return-visits", "tickets.work"),
  staff("POST", "/api/v1/return-visits/:id/outcome", "tickets.work"),
  staff("GET", "/api/v1/knowledge/entries", "knowledge.read"),
  staff("POST", "/api/v1/knowledge/entries", "knowledge.edit"),
  staff("PUT", "/api/v1/knowledge/entries/:id", "knowledge.edit"),
  staff("GET", "/api/v1/knowledge/entries/:id/versions", "knowledge.read"),
  staff("POST", "/api/v1/knowledge/macros/:id/render", "knowledge.read"),
  staff("GET", "/api/v1/calendar", "calendar.read"),
  staff("PUT", "/api/v1/calendar/days/:date", "calendar.manage"),
  staff("DELETE", "/api/v1/calendar/days/:date", "calendar.manage"),
  staff("PUT", "/api/v1/calendar/years/:year", "calendar.manage"),
  staff("GET", "/api/v1/escalations", "escalations.read"),

  // notifications
  staff("GET", "/api/v1/notifications/dead-letters", "notifications.manage"),
  staff("POST", "/api/v1/notifications/:id/retry", "notifications.manage"),
  staff("GET", "/api/v1/notification-templates", "notifications.templates"),
  staff(
    "GET",
    "/api/v1/notification-templates/:businessLine/:channel/:locale/:kind",
    "notifications.templates",
  ),
  staff(
    "PUT",
    "/api/v1/notification-templates/:businessLine/:channel/:locale/:kind",
    "notifications.templates",
  ),

  // incidents
  staff("GET", "/api/v1/incidents", "incidents.read"),
  staff("GET", "/api/v1/incidents/:id", "incidents.read"),
  staff("POST", "/api/v1/incidents/emergency", "incidents.manage"),
  ...[
    "notify-team",
    "sampling-task",
    "suspend-batch",
    "public-notice",
    "progress",
    "extra-compensation",
    "close",
  ].map((action) => staff("POST", `/api/v1/incidents/:id/${action}`, "incidents.manage")),

  // malicious complaints: blacklist, appeals, the customer's legal record
  staff("GET", "/api/v1/blacklist", "blacklist.manage"),
  staff("POST", "/api/v1/blacklist", "blacklist.manage"),
  staff("GET", "/api/v1/blacklist/:id", "blacklist.manage"),
  staff("POST", "/api/v1/blacklist/:id/lift", "blacklist.manage"),
  staff("POST", "/api/v1/blacklist/:id/appeals", "tickets.work"),
  staff("POST", "/api/v1/blacklist/appeals/:id/decision", "blacklist.manage"),
  open(
    "POST",
    "/api/v1/blacklist/appeals",
    "ticket number + phone, as the progress page; rate-limited",
    "body",
  ),
  staff("GET", "/api/v1/customers/:phone/record", "customers.record"),

  // personal data (PIPL): access log, audit trail, retention, legal holds, customers' data rights
  staff("GET", "/api/v1/privacy/access-log", "privacy.audit"),
  staff("GET", "/api/v1/audit-events", "privacy.audit"),
  staff("GET", "/api/v1/privacy/retention", "privacy.manage"),
  staff("PUT", "/api/v1/privacy/retention/:dataKind", "privacy.manage"),
  staff("POST", "/api/v1/privacy/retention/dry-run", "privacy.manage"),
  staff("GET", "/api/v1/privacy/legal-holds", "privacy.manage"),
  staff("POST", "/api/v1/privacy/legal-holds", "privacy.manage"),
  staff("POST", "/api/v1/privacy/legal-holds/:id/release", "privacy.manage"),
  staff("POST", "/api/v1/privacy/subjects/export", "privacy.requests"),
  staff("POST", "/api/v1/privacy/subjects/erasure", "privacy.requests"),
  open(
    "POST",
    "/api/v1/privacy/requests/export",
    "phone + one of the customer's ticket numbers; rate-limited",
    "body",
  ),
  open(
    "POST",
    "/api/v1/privacy/requests/erasure",
    "phone + one of the customer's ticket numbers; rate-limited",
    "body",
  ),

  // reports and configuration
  staff("GET", "/api/v1/reports/monthly", "reports.read"),
  staff("GET", "/api/v1/reports/monthly.csv", "reports.read"),
  staff("GET", "/api/v1/reports/merchants", "reports.read"),
  staff("GET", "/api/v1/reports/agents", "reports.agents"),
  staff("GET", "/api/v1/reports/monthly.xlsx", "reports.read"),
  staff("GET", "/api/v1/reports/monthly.pdf", "reports.read"),
  staff("GET", "/api/v1/reports/kpis", "reports.analytics"),
  staff("GET", "/api/v1/reports/trends", "reports.analytics"),
  staff("GET", "/api/v1/reports/heatmap", "reports.analytics"),
  staff("GET", "/api/v1/reports/weekly", "reports.analytics"),
  staff("GET", "/api/v1/reports/riders", "reports.riders"),
  staff("POST", "/api/v1/reports/qa/samples", "qa.sample"),
  staff("GET", "/api/v1/reports/qa/samples", "qa.sample"),
  staff("POST", "/api/v1/reports/qa/samples/:id/score", "qa.sample"),
  staff("GET", "/api/v1/policy-packs/:businessLine/full", "users.manage"),

  // merchant service: verification requests, suggestions, mediation
  staff("POST", "/api/v1/tickets/:ticketNo/merchant-verification/request", "tickets.work"),
  staff("POST", "/api/v1/tickets/:ticketNo/merchant-verification", "merchant.verify"),
  staff("GET", "/api/v1/tickets/:ticketNo/merchant-verification", "tickets.read"),
  staff("GET", "/api/v1/merchant/verifications", "merchant.verify"),
  staff("POST", "/api/v1/merchant/suggestions", "merchant.suggest"),
  staff("GET", "/api/v1/merchant/suggestions", "merchant.suggest"),
  staff("GET", "/api/v1/merchant/suggestions/:id", "merchant.suggest"),
  staff("POST", "/api/v1/merchant/requests", "merchant.requests"),
  staff("GET", "/api/v1/merchant/requests", "merchant.requests"),
  staff("GET", "/api/v1/merchant/requests/:requestNo", "merchant.requests"),
  staff("POST", "/api/v1/merchant/requests/:requestNo/messages", "merchant.requests"),
  staff("POST", "/api/v1/merchant/requests/:requestNo/feedback", "merchant.requests"),
  staff("GET", "/api/v1/merchant/orders/:orderNo", "merchant.requests"),
  staff("GET", "/api/v1/merchant-requests", "merchant_requests.work"),
  staff("GET", "/api/v1/merchant-requests/:requestNo", "merchant_requests.work"),
  ...["take", "messages", "route", "transitions"].map((step) =>
    staff("POST", `/api/v1/merchant-requests/:requestNo/${step}`, "merchant_requests.work"),
  ),
  staff("GET", "/api/v1/merchant-service/orders/:orderNo", "merchant_requests.work"),
  staff("POST", "/api/v1/onsite-reports", "onsite.report"),
  staff("GET", "/api/v1/merchant-service/metrics", "merchant_requests.metrics"),
  staff("GET", "/api/v1/merchant-service/analysis", "merchant_requests.metrics"),
  staff("GET", "/api/v1/suggestions", "suggestions.manage"),
  ...["assessment", "forward", "result"].map((step) =>
    staff("POST", `/api/v1/suggestions/:id/${step}`, "suggestions.manage"),
  ),
  staff("GET", "/api/v1/mediations", "mediations.read"),
  staff("GET", "/api/v1/mediations/:id", "mediations.read"),
  staff("POST", "/api/v1/mediations/:id/decision", "mediations.decide"),
];

/** The demo users, one per role (test/helpers/global-setup.ts loads them). */
export const DEMO_USERS = {
  admin: "admin",
  agent: "agent1",
  supervisor: "supervisor1",
  manager: "manager1",
  qa: "qa1",
  merchant: "merchant1",
  rider: "rider1",
  warehouse: "warehouse1",
  finance: "finance1",
} as const;
