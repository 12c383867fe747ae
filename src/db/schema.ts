import type { ColumnType, Generated, JSONColumnType } from "kysely";

/** Table types as the database holds them. Each module reads and writes only its own tables. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface UsersTable {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  role: string;
  merchant_ids: string[];
  rider_id: string | null;
  active: Generated<boolean>;
  created_at: Timestamp;
}

export interface SessionsTable {
  token_hash: string;
  user_id: string;
  created_at: Timestamp;
  expires_at: Timestamp;
}

/** The one-time code in force for a customer's phone, and its sending counts (0024). */
export interface CustomerCodesTable {
  phone: string;
  code_hash: string | null;
  sent_at: Timestamp | null;
  expires_at: Timestamp | null;
  attempts: Generated<number>;
  window_started_at: Timestamp;
  sent_in_window: Generated<number>;
}

/** A customer signed in to "my requests" by a code (0024); never a staff principal. */
export interface CustomerSessionsTable {
  token_hash: string;
  phone: string;
  created_at: Timestamp;
  expires_at: Timestamp;
}

/** A workspace open on a ticket, renewed while it stays open (0025). */
export interface TicketViewersTable {
  ticket_no: string;
  user_id: string;
  since: Timestamp;
  seen_at: Timestamp;
}

export interface ApiKeysTable {
  id: string;
  name: string;
  key_hash: string;
  scopes: string[];
  created_at: Timestamp;
  revoked_at: Timestamp | null;
}

export interface MerchantsTable {
  id: string;
  name: string;
  business_line: string;
  region: string;
}

export interface RidersTable {
  id: string;
  name: string;
  region: string;
}

export interface ProductsTable {
  id: string;
  name: string;
  business_line: string;
  merchant_id: string;
  unit_price_fen: number;
}

export interface BatchesTable {
  batch_no: string;
  product_id: string;
  produced_at: Timestamp;
  best_before: Timestamp | null;
}

export interface OrderItemRow {
  productId: string;
  name: string;
  batchNo?: string;
  quantity: number;
  unitPriceFen: number;
}

export interface OrdersTable {
  order_no: string;
  business_line: string;
  customer_phone: string;
  merchant_id: string;
  rider_id: string | null;
  region: string;
  items: JSONColumnType<OrderItemRow[], string, string>;
  paid_fen: number;
  paid_at: Timestamp;
  promised_at: Timestamp | null;
  delivered_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface TicketsTable {
  ticket_no: string;
  business_line: string;
  pack_version: string;
  channel: string;
  customer_phone: string;
  customer_name: string | null;
  order_no: string;
  merchant_id: string;
  rider_id: string | null;
  region: string;
  category: string;
  sub_type: string | null;
  category_source: string;
  severity: string;
  priority: number;
  urgent: boolean;
  queue: string;
  status: string;
  assignee_id: string | null;
  escalation_level: Generated<number>;
  description: string;
  expected_resolution: string | null;
  occurred_at: Timestamp | null;
  details: JSONColumnType<Record<string, unknown>, string, string>;
  evidence_awaited: Generated<boolean>;
  merged_into: string | null;
  first_response_due_at: Timestamp;
  resolution_due_at: Timestamp;
  first_responded_at: Timestamp | null;
  resolved_at: Timestamp | null;
  closed_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** Times the ticket was reopened after a low score, "not resolved" or a problem that came back. */
  second_rounds: Generated<number>;
  /** Minutes from receipt to the resolution the customer kept, recorded when the ticket closes. */
  handling_minutes: number | null;
}

export interface TicketEventsTable {
  id: Generated<string>;
  ticket_no: string;
  at: Timestamp;
  type: string;
  actor: string;
  actor_role: string;
  channel: string | null;
  visibility: "customer" | "internal";
  data: JSONColumnType<Record<string, unknown>, string, string>;
}

export interface IdempotencyKeysTable {
  key: string;
  request_hash: string;
  ticket_no: string;
  created_at: Timestamp;
}

export interface AttachmentsTable {
  id: string;
  kind: "image" | "video";
  mime: string;
  size_bytes: number;
  sha256: string;
  file_name: string | null;
  captured_at: Timestamp | null;
  uploaded_at: Timestamp;
  has_thumbnail: boolean;
  ticket_no: string | null;
}

export interface AppStateTable {
  key: string;
  value: JSONColumnType<Record<string, unknown>, string, string>;
}

/** One clock of a ticket (first response, resolution, review, progress update…): owned by the sla module. */
export interface SlaClocksTable {
  ticket_no: string;
  name: string;
  basis: "business" | "calendar";
  target_ms: number;
  started_at: Timestamp;
  due_at: Timestamp | null;
  remind_at: Timestamp | null;
  paused_since: Timestamp | null;
  remaining_ms: number | null;
  stopped_at: Timestamp | null;
  reminded_at: Timestamp | null;
  breached_at: Timestamp | null;
  level: Generated<number>;
  next_at: Timestamp | null;
}

/** A day that differs from the weekday rule: a public holiday or an adjusted working day (调休). */
export interface CalendarDaysTable {
  day: ColumnType<string, string, string>;
  kind: "holiday" | "workday";
  name: string;
  source: string;
  updated_by: string | null;
  updated_at: Timestamp;
  /** Why an admin last changed the day; null for days as shipped. */
  reason: ColumnType<string | null, string | null | undefined, string | null>;
}

/** The history of the admins' calendar edits; a removed day keeps its record here. */
export interface CalendarChangesTable {
  id: Generated<string>;
  day: ColumnType<string, string, string>;
  action: "put" | "remove" | "replace_year";
  kind: string | null;
  name: string | null;
  reason: string;
  changed_by: string;
  changed_at: Timestamp;
}

export interface CalendarYearsTable {
  year: number;
  source: string;
  seeded_at: Timestamp;
}

/** The agent's verification of a ticket (核实情况): owned by the remedies module. */
export interface TicketVerificationsTable {
  ticket_no: string;
  verified: boolean;
  liable_party: string;
  findings: string;
  evidence_ids: string[];
  food_safety_violation: boolean;
  fraud: boolean;
  loss_fen: number | null;
  affected_items: JSONColumnType<
    { productId: string; quantity: number }[] | null,
    string | null,
    string | null
  >;
  recorded_by: string;
  recorded_at: Timestamp;
}

/** A decided remedy of a ticket, with its approval and the customer's answer: owned by the remedies module. */
export interface RemediesTable {
  id: string;
  ticket_no: string;
  seq: number;
  order_no: string;
  business_line: string;
  pack_version: string;
  status: "pending_approval" | "approved" | "rejected" | "superseded";
  choice: "standard" | "alternative" | "statutory" | "adjusted";
  statute: string | null;
  items: JSONColumnType<{ kind: string; amountFen?: number; payer: string }[], string, string>;
  deadline_hours: JSONColumnType<Record<string, number>, string, string>;
  proposal: JSONColumnType<Record<string, unknown>, string, string>;
  approval_reasons: JSONColumnType<{ "zh-CN": string; en: string }[], string, string>;
  money_fen: number;
  compensation_cap_fen: number;
  note: string | null;
  decided_by: string;
  decided_at: Timestamp;
  approved_by: string | null;
  approved_at: Timestamp | null;
  rejected_by: string | null;
  rejected_at: Timestamp | null;
  reject_reason: string | null;
  customer_response: "accepted" | "disputed" | null;
  customer_comment: string | null;
  customer_responded_at: Timestamp | null;
  idempotency_key: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** One department action of a remedy (执行单): owned by the execution module. */
export interface ExecutionOrdersTable {
  id: string;
  ticket_no: string;
  remedy_id: string;
  step: number;
  action: "refund" | "compensation" | "resend" | "redeliver" | "pickup" | "inspection" | "repair";
  department: "merchant" | "logistics" | "warehouse" | "finance";
  merchant_id: string;
  rider_id: string | null;
  item_indexes: number[];
  status: "open" | "in_progress" | "done" | "failed";
  blocked_by: string | null;
  deadline: JSONColumnType<{ hours: number } | { businessDays: number }, string, string>;
  due_at: Timestamp | null;
  owner_id: string | null;
  owner_name: string | null;
  note: string | null;
  failure_reason: string | null;
  overdue_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
}

/** Per order: what was paid and what remedies reserved of it. Owned by the ledger module. */
export interface LedgerAccountsTable {
  order_no: string;
  paid_fen: number;
  refunded_fen: Generated<number>;
  compensated_fen: Generated<number>;
  compensation_cap_fen: Generated<number>;
  updated_at: Timestamp;
}

/** One movement of money: a payout to the customer or a charge to the liable party. Owned by the ledger module. */
export interface LedgerEntriesTable {
  id: string;
  idempotency_key: string;
  order_no: string;
  ticket_no: string;
  remedy_id: string;
  item_index: number;
  execution_order_id: string | null;
  kind: "refund" | "price_difference" | "compensation" | "coupon" | "charge";
  direction: "payout" | "charge";
  party: string;
  party_id: string | null;
  payer: string;
  amount_fen: number;
  status: "held" | "pending" | "processing" | "succeeded" | "failed" | "cancelled" | "recorded";
  attempts: Generated<number>;
  max_attempts: number;
  next_attempt_at: Timestamp | null;
  lease_until: Timestamp | null;
  provider: string | null;
  provider_ref: string | null;
  last_error: string | null;
  authorised_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  settled_at: Timestamp | null;
}

/** Every call to the payment provider, with its answer: the trace of a payment. Owned by the ledger module. */
export interface PaymentAttemptsTable {
  id: Generated<string>;
  entry_id: string;
  attempt: number;
  provider: string;
  started_at: Timestamp;
  finished_at: Timestamp | null;
  outcome: "succeeded" | "accepted" | "failed" | "confirmed" | null;
  provider_ref: string | null;
  error: string | null;
}

/** The knowledge base (FAQ, guides, cases, macros): the current version of each entry. */
export interface KnowledgeEntriesTable {
  id: string;
  kind: string;
  business_lines: string[];
  title: string;
  body: string;
  tags: string[];
  data: JSONColumnType<Record<string, unknown>, string, string>;
  status: string;
  version: number;
  updated_by: string | null;
  updated_at: Timestamp;
}

/** Every version of every knowledge entry, the first included. */
export interface KnowledgeVersionsTable {
  entry_id: string;
  version: number;
  kind: string;
  business_lines: string[];
  title: string;
  body: string;
  tags: string[];
  data: JSONColumnType<Record<string, unknown>, string, string>;
  status: string;
  edited_by: string | null;
  edited_by_name: string;
  edited_at: Timestamp;
  note: string | null;
}

/** One row: raised by every knowledge change, so search indexes know when to rebuild. */
export interface KnowledgeRevisionTable {
  id: number;
  revision: ColumnType<string, number | string, number | string>;
}

/** Something due after a resolution (survey, return visit, automatic close): owned by the follow-up module. */
export interface FollowUpsTable {
  id: Generated<string>;
  ticket_no: string;
  kind: "survey" | "return_visit" | "auto_close";
  resolved_at: Timestamp;
  due_at: Timestamp;
  reason: string | null;
  done_at: Timestamp | null;
  outcome: "done" | "moot" | "cancelled" | null;
}

/** The satisfaction survey of a ticket and its one answer: owned by the follow-up module. */
export interface SurveysTable {
  id: string;
  ticket_no: string;
  business_line: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  answered_at: Timestamp | null;
  score: number | null;
  resolved: boolean | null;
  comment: string | null;
  efficiency: number | null;
  resolution: number | null;
  attitude: number | null;
  second_round: Generated<boolean>;
}

/** A return-visit task (回访) and the agent's outcome: owned by the follow-up module. */
export interface ReturnVisitsTable {
  id: string;
  ticket_no: string;
  business_line: string;
  reason: "complex" | "repeat_customer" | "sampled";
  status: "due" | "done" | "cancelled";
  resolved_at: Timestamp;
  due_at: Timestamp;
  deadline_at: Timestamp;
  outcome: "satisfied" | "problem_returned" | "unreachable" | null;
  note: string | null;
  visited_by: string | null;
  visited_at: Timestamp | null;
  created_at: Timestamp;
}

/** Where a consumer of the event outbox (`ticket_events`) has read up to. */
export interface OutboxCursorsTable {
  consumer: string;
  last_tx: string;
  last_id: string;
}

/** One notice to a customer or a staff member, with its delivery: owned by the notifications module. */
export interface NotificationsTable {
  id: Generated<string>;
  ticket_no: string;
  business_line: string;
  event_id: string;
  kind: string;
  audience: "customer" | "staff";
  channel: "in_app" | "email" | "sms" | "wechat";
  recipient: string;
  locale: string;
  subject: string | null;
  body: string;
  urgent: boolean;
  status: "pending" | "sent" | "dead";
  provider: string | null;
  provider_ref: string | null;
  attempts: Generated<number>;
  max_attempts: number;
  next_attempt_at: Timestamp | null;
  held_until: Timestamp | null;
  last_error: string | null;
  created_at: Timestamp;
  sent_at: Timestamp | null;
  dead_at: Timestamp | null;
  retried_by: string | null;
}

/** An admin's version of a notice template; the shipped defaults are data in the module. */
export interface NotificationTemplatesTable {
  business_line: string;
  channel: string;
  locale: string;
  kind: string;
  subject: string | null;
  body: string;
  version: number;
  updated_by: string;
  updated_at: Timestamp;
}

/** A batch-complaint incident or a food-safety emergency: owned by the incidents module. */
export interface IncidentsTable {
  id: string;
  kind: "batch" | "emergency";
  status: "open" | "closed";
  business_line: string;
  family: string | null;
  dimension: string | null;
  region: string | null;
  product_id: string | null;
  batch_no: string | null;
  merchant_id: string | null;
  reason: string | null;
  opened_at: Timestamp;
  opened_by: string;
  closed_at: Timestamp | null;
  closed_by: string | null;
  findings: string | null;
  progress_due_at: Timestamp | null;
  progress_escalated_at: Timestamp | null;
  updated_at: Timestamp;
}

export interface IncidentTicketsTable {
  incident_id: string;
  ticket_no: string;
  linked_at: Timestamp;
}

export interface IncidentEventsTable {
  id: Generated<string>;
  incident_id: string;
  at: Timestamp;
  type: string;
  actor: string;
  actor_role: string;
  data: JSONColumnType<Record<string, unknown>, string, string>;
}

/** One complaint counted in one window of the batch detector (see migration 0009). */
export interface IncidentSignalsTable {
  business_line: string;
  family: string;
  dimension: string;
  key: string;
  ticket_no: string;
  at: Timestamp;
  incident_id: string | null;
}

export interface IncidentVolumeTable {
  business_line: string;
  family: string;
  merchant_id: string;
  hour: Timestamp;
  count: number;
}

/** A signed call to the order system (suspend a batch or a merchant), sent once by the incidents job. */
export interface OrderSystemCallsTable {
  id: string;
  incident_id: string;
  action: "suspend_batch" | "suspend_merchant";
  payload: JSONColumnType<Record<string, unknown>, string, string>;
  status: "pending" | "sent" | "dead";
  attempts: Generated<number>;
  next_attempt_at: Timestamp | null;
  last_error: string | null;
  created_at: Timestamp;
  sent_at: Timestamp | null;
}

/** One inbound e-mail, stored raw before the SMTP 250 (see migration 0010). */
export interface InboundEmailsTable {
  id: Generated<string>;
  message_id: string;
  received_at: Timestamp;
  envelope_from: string | null;
  envelope_to: string;
  raw: Buffer;
  status: ColumnType<"received" | "processed" | "failed", "received" | "processed" | "failed" | undefined>;
  attempts: Generated<number>;
  lease_until: Timestamp | null;
  processed_at: Timestamp | null;
  outcome: "ticket" | "thread" | "needs_info" | "ignored" | null;
  sender: string | null;
  ticket_no: string | null;
  missing_fields: string[] | null;
  last_error: string | null;
  reply: JSONColumnType<Record<string, unknown> | null, string | null, string | null>;
  reply_status: "pending" | "sent" | "failed" | null;
  reply_attempts: Generated<number>;
  reply_next_at: Timestamp | null;
  reply_reference: string | null;
}

export interface EmailContactsTable {
  email: string;
  phone: string;
  updated_at: Timestamp;
}

/** One hotline call, the CTI's events folded in (see migration 0010). */
export interface HotlineCallsTable {
  call_id: string;
  caller_phone: string;
  business_line: string | null;
  started_at: Timestamp;
  ivr_key: string | null;
  ivr_topic: string | null;
  queued_at: Timestamp | null;
  answered_at: Timestamp | null;
  agent: string | null;
  abandoned_at: Timestamp | null;
  ended_at: Timestamp | null;
  recording_url: string | null;
  ticket_no: string | null;
  updated_at: Timestamp;
}

export interface HotlineCallEventsTable {
  event_id: string;
  call_id: string;
  type: string;
  at: Timestamp;
  received_at: Timestamp;
  data: JSONColumnType<Record<string, unknown>, string, string>;
}

/** The measures of one ticket, or summed over a rollup row (see migration 0011): owned by the reports module. */
export interface ReportMeasures {
  received: number;
  not_applicable: number;
  resolved: number;
  closed: number;
  resolution_minutes_sum: number;
  score_sum: number;
  score_count: number;
  second_round: number;
  escalated: number;
  first_response_count: number;
  first_response_minutes_sum: number;
  first_response_met: number;
  first_response_breached: number;
  resolution_met: number;
  resolution_breached: number;
  clocks_met: number;
  clocks_breached: number;
  late_delivery: number;
  rider_compensation_fen: number;
  positive_feedback: number;
  withdrawn: number;
  returned: number;
}

export interface ReportTicketFactsTable extends ReportMeasures {
  ticket_no: string;
  month: string;
  business_line: string;
  merchant_id: string;
  region: string;
  category: string;
  sub_type: string;
  agent: string;
  rider_id: string;
  /** YYYY-MM-DD and 0–23, Beijing time: the ticket's place in the daily rollup (migration 0018). */
  day: string;
  hour: number;
}

/** A closed ticket drawn for a QA review and its checklist scores (reports module, migration 0018). */
export interface QaSamplesTable {
  id: string;
  month: string;
  ticket_no: string;
  agent: string;
  business_line: string;
  category: string;
  drawn_by: string;
  drawn_at: Date;
  greeting: number | null;
  accuracy: number | null;
  remedy: number | null;
  tone: number | null;
  score: number | null;
  comment: string | null;
  scored_by: string | null;
  scored_at: Date | null;
}

export interface ReportMonthlyTable extends ReportMeasures {
  month: string;
  business_line: string;
  merchant_id: string;
  region: string;
  category: string;
  sub_type: string;
}

export interface ReportAgentMonthlyTable extends ReportMeasures {
  month: string;
  business_line: string;
  agent: string;
}

/** Owned by the merchant-service module: a ticket sent to its merchant to verify (核实). */
export interface MerchantVerificationsTable {
  id: string;
  ticket_no: string;
  merchant_id: string;
  status: "pending" | "accepted" | "disputed" | "missed" | "withdrawn";
  requested_by: string;
  requested_at: Date;
  due_at: Date;
  answered_by: string | null;
  answered_at: Date | null;
  statement: string | null;
  attachment_ids: ColumnType<string[], string[] | undefined, string[]>;
  mediation_id: string | null;
}

/** Owned by the merchant-service module: a dispute decided by a platform mediator (调解). */
export interface MediationsTable {
  id: string;
  ticket_no: string;
  merchant_id: string;
  source: "merchant_dispute" | "remedy_dispute";
  status: "open" | "decided";
  merchant_statement: string | null;
  merchant_evidence: ColumnType<string[], string[] | undefined, string[]>;
  customer_statement: string;
  customer_evidence: ColumnType<string[], string[] | undefined, string[]>;
  opened_at: Date;
  liable: string | null;
  reason: string | null;
  decided_by: string | null;
  decided_at: Date | null;
}

/** Owned by the merchant-service module: a merchant's suggestion (建议) and what became of it. */
export interface MerchantSuggestionsTable {
  id: string;
  merchant_id: string;
  proposer_id: string | null;
  proposer_name: string;
  topic: string;
  details: string;
  category: string;
  status: "submitted" | "assessed" | "forwarded" | "reported";
  feasibility: string | null;
  value: string | null;
  assessment: string | null;
  assessed_by: string | null;
  assessed_at: Date | null;
  department: string | null;
  forwarded_by: string | null;
  forwarded_at: Date | null;
  result: string | null;
  adopted: boolean | null;
  reported_by: string | null;
  reported_at: Date | null;
  created_at: Date;
}

export interface MerchantRequestsTable {
  request_no: string;
  merchant_id: string;
  requester_id: string | null;
  requester_name: string;
  channel: "chat" | "message" | "phone";
  category: string;
  category_source: "merchant" | "rules";
  subject: string;
  body: string;
  order_no: string | null;
  occurred_at: Date | null;
  department: string | null;
  status: string;
  assignee_id: string | null;
  assignee_name: string | null;
  escalation_level: Generated<number>;
  first_response_due_at: Date;
  resolution_due_at: Date;
  first_responded_at: Date | null;
  resolved_at: Date | null;
  closed_at: Date | null;
  satisfaction: number | null;
  reopen_count: Generated<number>;
  created_at: Date;
  updated_at: Date;
}

export interface MerchantRequestEventsTable {
  id: Generated<string>;
  request_no: string;
  at: Date;
  type: string;
  actor: string;
  internal: boolean;
  data: JSONColumnType<Record<string, unknown>, string, string>;
}

export interface Database {
  merchant_requests: MerchantRequestsTable;
  merchant_request_events: MerchantRequestEventsTable;
  merchant_verifications: MerchantVerificationsTable;
  mediations: MediationsTable;
  merchant_suggestions: MerchantSuggestionsTable;
  inbound_emails: InboundEmailsTable;
  email_contacts: EmailContactsTable;
  hotline_calls: HotlineCallsTable;
  hotline_call_events: HotlineCallEventsTable;
  incidents: IncidentsTable;
  incident_tickets: IncidentTicketsTable;
  incident_events: IncidentEventsTable;
  incident_signals: IncidentSignalsTable;
  incident_volume: IncidentVolumeTable;
  order_system_calls: OrderSystemCallsTable;
  outbox_cursors: OutboxCursorsTable;
  notifications: NotificationsTable;
  notification_templates: NotificationTemplatesTable;
  follow_ups: FollowUpsTable;
  surveys: SurveysTable;
  return_visits: ReturnVisitsTable;
  users: UsersTable;
  sessions: SessionsTable;
  customer_codes: CustomerCodesTable;
  customer_sessions: CustomerSessionsTable;
  ticket_viewers: TicketViewersTable;
  api_keys: ApiKeysTable;
  merchants: MerchantsTable;
  riders: RidersTable;
  products: ProductsTable;
  batches: BatchesTable;
  orders: OrdersTable;
  tickets: TicketsTable;
  ticket_events: TicketEventsTable;
  idempotency_keys: IdempotencyKeysTable;
  attachments: AttachmentsTable;
  app_state: AppStateTable;
  sla_clocks: SlaClocksTable;
  calendar_days: CalendarDaysTable;
  calendar_years: CalendarYearsTable;
  calendar_changes: CalendarChangesTable;
  ticket_verifications: TicketVerificationsTable;
  remedies: RemediesTable;
  execution_orders: ExecutionOrdersTable;
  ledger_accounts: LedgerAccountsTable;
  ledger_entries: LedgerEntriesTable;
  payment_attempts: PaymentAttemptsTable;
  knowledge_entries: KnowledgeEntriesTable;
  knowledge_versions: KnowledgeVersionsTable;
  knowledge_revision: KnowledgeRevisionTable;
  report_ticket_facts: ReportTicketFactsTable;
  report_monthly: ReportMonthlyTable;
  report_agent_monthly: ReportAgentMonthlyTable;
  qa_samples: QaSamplesTable;
}
