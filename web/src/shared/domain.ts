/**
 * The ticket state machine, imported from the server's pure domain file rather than copied: the
 * console offers exactly the moves the API will accept.
 */
export {
  movesOf,
  REASON_REQUIRED,
  STATUSES,
  type Status,
} from "../../../src/modules/tickets/tickets.domain.ts";
