import type { DataSource } from 'typeorm';

/**
 * `minutes` of one monitor's history ending at `endMs`, as the watchdogs would have rolled them up: six results a minute, a median
 * between 20 and 40 ms and a 95th percentile twice that, and one failed result every `failEvery` minutes. Written
 * straight into detection's table (a test's set-up, not a library crossing). Returns how many minutes it wrote and how
 * many of them had a failure.
 */
export async function seedRollups(db: DataSource, tenantId: string, monitorId: string, options: { minutes: number; endMs: number; failEvery: number }): Promise<{ minutes: number; failedMinutes: number }> {
  const end = new Date(Math.floor(options.endMs / 60_000) * 60_000);
  const [row]: { minutes: number; failed: number }[] = await db.query(
    `WITH written AS (
       INSERT INTO probe_rollups (monitor_id, minute, tenant_id, count, failures, degraded, latency_p50, latency_p95)
       SELECT $1, m, $2, 6, CASE WHEN (extract(epoch FROM m)::bigint / 60) % $5 = 0 THEN 1 ELSE 0 END, 0,
              30 + 10 * sin(extract(epoch FROM m) / 3600.0), 60 + 20 * sin(extract(epoch FROM m) / 3600.0)
         FROM generate_series($3::timestamptz - make_interval(mins => $4), $3::timestamptz - interval '1 minute', interval '1 minute') m
       ON CONFLICT DO NOTHING RETURNING failures)
     SELECT count(*)::int AS minutes, count(*) FILTER (WHERE failures > 0)::int AS failed FROM written`,
    [monitorId, tenantId, end, options.minutes, options.failEvery],
  );
  return { minutes: row!.minutes, failedMinutes: row!.failed };
}
