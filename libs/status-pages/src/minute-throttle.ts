/**
 * Attempts counted per key in fixed one-minute windows, in this process (the public forms' limits: subscribe and
 * customer sign-in). Bounded: past 10,000 keys the counts start again rather than grow.
 */
export class MinuteThrottle {
  private readonly attempts = new Map<string, { count: number; since: number }>();

  /** Counts one attempt under `key`; false once `limit` attempts fell in the current minute. */
  allow(key: string, limit: number, now: number): boolean {
    const seen = this.attempts.get(key);
    if (!seen || now - seen.since >= 60_000) {
      if (this.attempts.size > 10_000) this.attempts.clear();
      this.attempts.set(key, { count: 1, since: now });
      return true;
    }
    seen.count++;
    return seen.count <= limit;
  }
}
