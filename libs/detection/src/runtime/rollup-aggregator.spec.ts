import { describe, expect, it } from 'vitest';
import type { ProbeResult } from '#lib/probes';
import { RollupAggregator } from './rollup-aggregator.js';

const result = (at: number, status: ProbeResult['status'], latencyMs: number): ProbeResult => ({ at, status, latencyMs, reason: '' });

describe('RollupAggregator', () => {
  it('folds results into per-minute rows with counts and latency percentiles, handing out only finished minutes', () => {
    const rollups = new RollupAggregator();
    const minute = Date.UTC(2026, 10, 22, 12, 0);
    for (let i = 0; i < 20; i++) rollups.add('m1', 't1', result(minute + i * 1000, i < 2 ? 'down' : i < 5 ? 'degraded' : 'up', i + 1));
    expect(rollups.take(minute + 59_000)).toEqual([]);
    rollups.add('m1', 't1', result(minute + 61_000, 'up', 7));
    const [row] = rollups.take(minute + 61_500);
    // 18 answered results with latencies 3..20: p50 is the 10th smallest (12), p95 the 18th (20).
    expect(row).toEqual({ monitorId: 'm1', tenantId: 't1', minute: new Date(minute), count: 20, failures: 2, degraded: 3, latencyP50: 12, latencyP95: 20 });
    expect(rollups.take(minute + 120_000)).toMatchObject([{ minute: new Date(minute + 60_000), count: 1 }]);
  });

  it('hands out the current minutes too at shutdown', () => {
    const rollups = new RollupAggregator();
    rollups.add('m1', 't1', result(1_000, 'down', 5));
    expect(rollups.take(2_000, true)).toMatchObject([{ count: 1, failures: 1, latencyP50: null }]);
  });

  it('results going back and forth across a minute edge (two vantages, late agent results): one row per monitor and minute', () => {
    const rollups = new RollupAggregator();
    const minute = Date.UTC(2026, 11, 1, 3, 32);
    for (let i = 0; i < 6; i++) rollups.add('m1', 't1', result(minute + (i % 2 ? 60_500 : 59_500), i === 0 ? 'down' : 'up', 10 + i));
    const rows = rollups.take(minute + 120_000);
    expect(rows).toEqual([
      { monitorId: 'm1', tenantId: 't1', minute: new Date(minute), count: 3, failures: 1, degraded: 0, latencyP50: 14, latencyP95: 14 },
      { monitorId: 'm1', tenantId: 't1', minute: new Date(minute + 60_000), count: 3, failures: 0, degraded: 0, latencyP50: 13, latencyP95: 15 },
    ]);
  });
});
