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

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
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
}
