import { createHmac } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CLOCK, type Clock } from '#lib/common';
import { SecretBox } from '#lib/secrets';
import { MinuteThrottle } from './minute-throttle.js';

/** How often one process deletes the windows that are over (any process may; each does at most this often). */
const CLEANUP_EVERY_MS = 30_000;

/**
 * Attempts counted per key in fixed one-minute windows across every API process: the count lives in PostgreSQL
 * (`status_throttle`, one upsert per attempt, atomic under the row's lock), so N replicas allow `limit` a minute, not
 * N × `limit`. A cheap in-process fast path first: once this process alone has seen more than `limit` attempts of a
 * key this minute it refuses without a query (the shared count can only be higher), so a flood against one process
 * costs no database work after its first `limit` attempts.
 */
@Injectable()
export class SharedMinuteThrottle {
  private readonly local = new MinuteThrottle();
  private lastCleanup = 0;
  private readonly key: Buffer;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    box: SecretBox,
  ) {
    // Every API process derives the same key from VIGIA_SECRET_KEY, so they count under the same stored keys.
    this.key = box.deriveKey('vigia status throttle keys v1');
  }

  /** Counts one attempt under `key`; false once more than `limit` attempts fell in the key's current minute (in all processes). */
  async allow(key: string, limit: number): Promise<boolean> {
    const now = this.clock.now();
    if (!this.local.allow(key, limit, now.getTime())) return false;
    await this.cleanup(now);
    const [row] = (await this.dataSource.query(
      `INSERT INTO status_throttle (key, window_start, count) VALUES ($1, $2, 1)
       ON CONFLICT (key) DO UPDATE SET
         count = CASE WHEN status_throttle.window_start <= $2::timestamptz - interval '1 minute' THEN 1 ELSE status_throttle.count + 1 END,
         window_start = CASE WHEN status_throttle.window_start <= $2::timestamptz - interval '1 minute' THEN $2 ELSE status_throttle.window_start END
       RETURNING count`,
      [this.hashed(key), now],
    )) as { count: number }[];
    return (row?.count ?? 1) <= limit;
  }

  /** How many attempts were counted under `key` in its current minute, in all processes (counting nothing). */
  async count(key: string): Promise<number> {
    const now = this.clock.now();
    const [row] = (await this.dataSource.query("SELECT count FROM status_throttle WHERE key = $1 AND window_start > $2::timestamptz - interval '1 minute'", [this.hashed(key), now])) as { count: number }[];
    return row?.count ?? 0;
  }

  /**
   * The stored key: an HMAC of what is counted under a key only the API processes hold, so a read of the table (a
   * backup, a replica) cannot tell which addresses tried: a plain hash of an IPv4 address is undone by
   * trying all four billion.
   */
  private hashed(key: string): string {
    return createHmac('sha256', this.key).update(key).digest('base64url');
  }

  private async cleanup(now: Date): Promise<void> {
    if (now.getTime() - this.lastCleanup < CLEANUP_EVERY_MS) return;
    this.lastCleanup = now.getTime();
    await this.dataSource.query("DELETE FROM status_throttle WHERE window_start < $1::timestamptz - interval '2 minutes'", [now]);
  }
}
