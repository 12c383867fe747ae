import { isMobilePhone, normalisePhone } from "../intake/intake.domain.ts";

/**
 * What a queue search looks for. A caller's mobile number ("138 0013 8000", "+86 138-0013-8000") is the
 * first thing a hotline agent has: such a term finds that customer's tickets through the phone index, and
 * is not looked for in descriptions. Anything else is a ticket or order number, or words of a description.
 * Staff who see phones only masked (merchants, riders, QA) get no phone match: typing numbers in would
 * tell them whose tickets they are.
 */
export interface QueueSearch {
  term: string;
  phone: string | null;
}

export function queueSearch(q: string, byPhone: boolean): QueueSearch {
  const term = q.trim();
  const phone = normalisePhone(term);
  return { term, phone: byPhone && isMobilePhone(phone) ? phone : null };
}
