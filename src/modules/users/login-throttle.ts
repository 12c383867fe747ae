/**
 * Five wrong passwords for one username lock it for 15 minutes. Kept in memory of the process: a
 * restart forgives, which is acceptable next to the per-address rate limit on the login route.
 */
const MAX_FAILURES = 5;
const LOCK_MS = 15 * 60_000;

export class LoginThrottle {
  private readonly failures = new Map<string, { count: number; lockedUntil: number }>();

  lockedSeconds(username: string, now: Date): number {
    const entry = this.failures.get(username);
    if (!entry || entry.lockedUntil <= now.getTime()) return 0;
    return Math.ceil((entry.lockedUntil - now.getTime()) / 1000);
  }

  failed(username: string, now: Date): void {
    const entry = this.failures.get(username) ?? { count: 0, lockedUntil: 0 };
    entry.count += 1;
    if (entry.count >= MAX_FAILURES) {
      entry.lockedUntil = now.getTime() + LOCK_MS;
      entry.count = 0;
    }
    this.failures.set(username, entry);
  }

  succeeded(username: string): void {
    this.failures.delete(username);
  }
}
