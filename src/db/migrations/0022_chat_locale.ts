import type { Kysely } from "kysely";
import { runStatements } from "../statements.ts";

/**
 * The language a chat's customer is spoken to in. With several app processes the agent who accepts or
 * ends a chat may be connected to another process than the customer, and the line it stores ("客服 … 为您
 * 服务") must still be worded in the customer's language; so the language is kept with the chat rather
 * than only in the customer's socket. Chats from before take zh-CN, the product's default language.
 */
// Frozen once released: later changes go in a new migration file.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `alter table chats add column customer_locale text not null default 'zh-CN'
       check (customer_locale in ('zh-CN', 'en'));`,
  );
}
