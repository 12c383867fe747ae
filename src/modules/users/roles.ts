/**
 * Who may do what, as data. Every staff route names one permission; the table below is the whole policy,
 * and the access tests walk it. Merchants and riders are further scoped to their own tickets.
 */
import { NO_SUCH_ID } from "../../platform/ids.ts";

export const ROLES = [
  "admin",
  "agent",
  "supervisor",
  "manager",
  "qa",
  "merchant",
  "rider",
  "warehouse",
  "finance",
] as const;
export type Role = (typeof ROLES)[number];

/** An integration API key acts with its own role name and the scopes it was given. */
export type PrincipalRole = Role | "integration";

export const PERMISSIONS = {
  "tickets.read": ["admin", "agent", "supervisor", "manager", "qa", "merchant", "rider"],
  "tickets.work": ["admin", "agent", "supervisor", "manager"],
  "tickets.assign": ["admin", "supervisor", "manager"],
  "tickets.register": ["admin", "agent", "supervisor", "manager", "merchant", "rider", "integration"],
  "orders.write": ["admin", "integration"],
  "users.manage": ["admin"],
  "calendar.read": ["admin", "agent", "supervisor", "manager", "qa"],
  "calendar.manage": ["admin"],
  "escalations.read": ["admin", "supervisor", "manager"],
  "remedies.read": ["admin", "agent", "supervisor", "manager", "qa"],
  "remedies.propose": ["admin", "agent", "supervisor", "manager"],
  "remedies.approve": ["admin", "supervisor", "manager"],
  "execution.read": [
    "admin",
    "agent",
    "supervisor",
    "manager",
    "qa",
    "merchant",
    "rider",
    "warehouse",
    "finance",
  ],
  "execution.work": ["admin", "supervisor", "manager", "merchant", "rider", "warehouse", "finance"],
  "ledger.read": ["admin", "agent", "supervisor", "manager", "qa", "finance"],
  "ledger.manage": ["admin", "manager", "finance"],
  "knowledge.read": ["admin", "agent", "supervisor", "manager", "qa"],
  "knowledge.edit": ["admin"],
  "notifications.read": ["admin", "agent", "supervisor", "manager", "qa"],
  "notifications.manage": ["admin", "supervisor", "manager"],
  "notifications.templates": ["admin"],
  "incidents.read": ["admin", "supervisor", "manager"],
  "incidents.manage": ["admin", "supervisor", "manager"],
  /** Merchants read their own merchants' figures only (scoped in the reports routes). */
  "reports.read": ["admin", "supervisor", "manager", "qa", "merchant"],
  "reports.agents": ["admin", "supervisor", "manager", "qa"],
  /** Trends, heat maps, the weekly analysis and the dashboard KPIs: platform-wide, so no merchant. */
  "reports.analytics": ["admin", "supervisor", "manager", "qa"],
  /** A rider reads its own scorecard only (scoped in the reports routes). */
  "reports.riders": ["admin", "supervisor", "manager", "qa", "rider"],
  "qa.sample": ["admin", "supervisor", "qa"],
  /** Merchant service: a merchant answers its own verifications and files suggestions (scoped in the routes). */
  "merchant.verify": ["merchant"],
  "merchant.suggest": ["merchant"],
  "mediations.read": ["admin", "supervisor", "manager"],
  "mediations.decide": ["admin", "supervisor", "manager"],
  "suggestions.manage": ["admin", "supervisor", "manager"],
  /** Live chat: take hand-overs from the bot and talk to customers. */
  "chat.work": ["admin", "agent", "supervisor", "manager"],
  /** Personal data (PIPL): reading the access log and audit trail, retention and legal holds. */
  "privacy.audit": ["admin"],
  "privacy.manage": ["admin"],
  /** Export or erase a customer's data on their behalf, after checking who they are. */
  "privacy.requests": ["admin", "supervisor", "manager"],
  /** Listing a customer restricts a person: supervisors and admins only, every change audited. */
  "blacklist.manage": ["admin", "supervisor"],
  /** The complete, unmasked record of a customer for legal use; every export is logged. */
  "customers.record": ["admin", "supervisor"],
  /** Merchant requests (商家工单): merchants file their own; the merchant-service team works them. */
  "merchant.requests": ["merchant"],
  /** On-site feedback (现场反馈): riders on their deliveries, warehouse staff on any order. */
  "onsite.report": ["admin", "rider", "warehouse"],
  "merchant_requests.work": ["admin", "agent", "supervisor", "manager"],
  "merchant_requests.metrics": ["admin", "supervisor", "manager", "qa"],
} as const satisfies Record<string, readonly PrincipalRole[]>;

export type Permission = keyof typeof PERMISSIONS;

export interface Principal {
  kind: "user" | "apiKey";
  id: string;
  name: string;
  role: PrincipalRole;
  merchantIds: string[];
  riderId: string | null;
  /** For API keys: the permissions granted. Users get their role's permissions. */
  scopes: string[];
}

export function allows(principal: Principal, permission: Permission): boolean {
  const roles = PERMISSIONS[permission] as readonly PrincipalRole[];
  if (!roles.includes(principal.role)) return false;
  return principal.kind === "user" || principal.scopes.includes(permission);
}

/** Which tickets a principal may see: everything, or only its merchants' or its rider's. */
export function ticketScope(p: Principal): { merchantIds?: string[]; riderId?: string } {
  if (p.role === "merchant") return { merchantIds: p.merchantIds };
  // `||`: an account stored with an empty rider id must not fall through to "everything".
  if (p.role === "rider") return { riderId: p.riderId || NO_SUCH_ID };
  return {};
}

export function canSeeTicket(p: Principal, t: { merchant_id: string; rider_id: string | null }): boolean {
  const scope = ticketScope(p);
  if (scope.merchantIds) return scope.merchantIds.includes(t.merchant_id);
  if (scope.riderId) return t.rider_id === scope.riderId;
  return true;
}
