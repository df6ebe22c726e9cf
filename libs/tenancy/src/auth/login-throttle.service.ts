import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CLOCK, type Clock, VigiaException } from '#lib/common';
import { VigiaConfig } from '#lib/config';

export const TOO_MANY = (): VigiaException => new VigiaException('TOO_MANY_ATTEMPTS', 'too many failed attempts; try again later');

/**
 * Attempt budgets per key, in PostgreSQL so they hold across API replicas and restarts. An attempt is *reserved*
 * (counted) before the password is checked, in one upsert that PostgreSQL serialises on the key's row: 100 parallel
 * guesses get 100 distinct counts, and only the first `limit` go on to argon2. A success gives its reservation back,
 * so only failures use up the budget. Windows are fixed (they start at the first attempt): hammering a locked key
 * does not extend its lock.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: VigiaConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** An account's budget (per account, or per account and known address). */
  get accountLimit(): number {
    return this.config.loginMaxFailures;
  }

  /** An address's budget for unauthenticated failures: larger, since an office NAT is shared by many people. */
  get addressLimit(): number {
    return this.config.loginMaxFailures * 5;
  }

  /** Counts one attempt on `key` and returns the count in the window, this attempt included. */
  async reserve(key: string): Promise<number> {
    const now = this.clock.now();
    const windowOpen = new Date(now.getTime() - this.config.loginWindowMs);
    const rows: { count: number }[] = await this.dataSource.query(
      `INSERT INTO auth_counters AS c (key, window_start, count) VALUES ($1, $2, 1)
       ON CONFLICT (key) DO UPDATE SET
         window_start = CASE WHEN c.window_start <= $3 THEN EXCLUDED.window_start ELSE c.window_start END,
         count = CASE WHEN c.window_start <= $3 THEN 1 ELSE c.count + 1 END
       RETURNING count`,
      [key, now, windowOpen],
    );
    return rows[0]!.count;
  }

  /** Reserves an attempt, or refuses (TOO_MANY_ATTEMPTS) when it is past the key's budget. */
  async reserveWithin(key: string, limit: number): Promise<void> {
    if ((await this.reserve(key)) > limit) throw TOO_MANY();
  }

  /** Whether `key` is past its budget, without counting an attempt. */
  async exhausted(key: string, limit: number): Promise<boolean> {
    const windowOpen = new Date(this.clock.now().getTime() - this.config.loginWindowMs);
    const rows: unknown[] = await this.dataSource.query('SELECT 1 FROM auth_counters WHERE key = $1 AND window_start > $2 AND count >= $3', [
      key,
      windowOpen,
      limit,
    ]);
    return rows.length > 0;
  }

  /** A successful attempt gives back its reservation: only failures count. */
  async release(keys: string[]): Promise<void> {
    await this.dataSource.query('UPDATE auth_counters SET count = greatest(count - 1, 0) WHERE key = ANY($1::text[])', [keys]);
  }

  /** Rows of windows long gone are useless; trimmed now and then by the callers' failures. */
  async trim(): Promise<void> {
    const cutoff = new Date(this.clock.now().getTime() - this.config.loginWindowMs);
    await this.dataSource.query('DELETE FROM auth_counters WHERE window_start <= $1', [cutoff]);
  }
}
