import type { Answer } from "../../api/client.ts";

export type Ticket = Answer<"get", "/api/v1/tickets/{ticketNo}">;
export type TicketEvent = Ticket["events"][number];
export type TicketOrder = Answer<"get", "/api/v1/tickets/{ticketNo}/order">;
