import type { ProbeResult } from '#lib/probes';

export interface RollupRow {
  monitorId: string;
  tenantId: string;
  minute: Date;
  count: number;
  failures: number;
  degraded: number;
  latencyP50: number | null;
  latencyP95: number | null;
}

interface Bucket {
  tenantId: string;
  minute: number;
  count: number;
  failures: number;
  degraded: number;
  latencies: number[];
}

/**
 * Folds raw results into per-minute rows in memory; closed minutes are handed out for one batched write. Results of
 * one monitor may go back and forth across a minute's edge (several vantages, an agent's late or replayed results):
 * closed buckets of the same monitor and minute are merged, so a batch never holds one key twice (the upsert would
 * refuse the whole batch).
 */
export class RollupAggregator {
  private readonly open = new Map<string, Bucket>();
  private closed = new Map<string, { monitorId: string; bucket: Bucket }>();

  add(monitorId: string, tenantId: string, result: ProbeResult): void {
    const minute = Math.floor(result.at / 60_000) * 60_000;
    let bucket = this.open.get(monitorId);
    if (bucket && bucket.minute !== minute) {
      this.close(monitorId, bucket);
      bucket = undefined;
    }
    if (!bucket) {
      bucket = { tenantId, minute, count: 0, failures: 0, degraded: 0, latencies: [] };
      this.open.set(monitorId, bucket);
    }
    bucket.count++;
    if (result.status === 'down') bucket.failures++;
    if (result.status === 'degraded') bucket.degraded++;
    if (result.status !== 'down') bucket.latencies.push(result.latencyMs);
  }

  /** Rows of minutes that are over (and, with `all`, the current ones too: at shutdown). */
  take(now: number, all = false): RollupRow[] {
    const current = Math.floor(now / 60_000) * 60_000;
    for (const [monitorId, bucket] of this.open) {
      if (all || bucket.minute < current) {
        this.close(monitorId, bucket);
        this.open.delete(monitorId);
      }
    }
    const rows = [...this.closed.values()].map(({ monitorId, bucket }) => toRow(monitorId, bucket));
    this.closed = new Map();
    return rows;
  }

  private close(monitorId: string, bucket: Bucket): void {
    const key = `${monitorId}|${bucket.minute}`;
    const earlier = this.closed.get(key)?.bucket;
    if (!earlier) {
      this.closed.set(key, { monitorId, bucket });
      return;
    }
    earlier.count += bucket.count;
    earlier.failures += bucket.failures;
    earlier.degraded += bucket.degraded;
    for (const latency of bucket.latencies) earlier.latencies.push(latency);
  }
}

function toRow(monitorId: string, bucket: Bucket): RollupRow {
  const sorted = [...bucket.latencies].sort((a, b) => a - b);
  const pick = (q: number): number | null => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : null);
  return {
    monitorId,
    tenantId: bucket.tenantId,
    minute: new Date(bucket.minute),
    count: bucket.count,
    failures: bucket.failures,
    degraded: bucket.degraded,
    latencyP50: pick(0.5),
    latencyP95: pick(0.95),
  };
}
