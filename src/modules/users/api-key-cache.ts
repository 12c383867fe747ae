import type { Db } from "../../db/database.ts";
import type { Principal } from "./roles.ts";
import { principalForApiKey } from "./users.store.ts";

/**
 * Integrations send their API key with every request, often hundreds a second; looking the key up each
 * time was a quarter of intake's database round trips. Answers (also "no such key") are kept for
 * `ttlMs`. A revocation in this process takes effect at once; in other processes of the same
 * database within `ttlMs` (README, "API keys").
 */
export class ApiKeyCache {
  private readonly entries = new Map<string, { principal: Principal | null; until: number }>();

  constructor(
    private readonly db: Db,
    private readonly ttlMs = 30_000,
    private readonly maxEntries = 10_000,
  ) {}

  async principalFor(key: string): Promise<Principal | null> {
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.until > now) return hit.principal;
    const principal = await principalForApiKey(this.db, key);
    // Random wrong keys must not grow the map without bound: start over when it is full.
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, { principal, until: now + this.ttlMs });
    return principal;
  }

  /** After a revocation: the key's principal must not be answered from memory any more. */
  forget(apiKeyId: string): void {
    for (const [key, entry] of this.entries) if (entry.principal?.id === apiKeyId) this.entries.delete(key);
  }
}

const caches = new WeakMap<Db, ApiKeyCache>();

/** This process's cache for the database (one per database, as the calendar's). */
export function apiKeysOf(db: Db): ApiKeyCache {
  let cache = caches.get(db);
  if (!cache) {
    cache = new ApiKeyCache(db);
    caches.set(db, cache);
  }
  return cache;
}
