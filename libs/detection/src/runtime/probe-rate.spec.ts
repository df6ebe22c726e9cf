import { describe, expect, it } from 'vitest';
import { ProbeRate } from './probe-rate.js';

describe('ProbeRate', () => {
  it('holds steady for a small fleet whose slots fall on some beats only', () => {
    // 3 monitors at 10 s, all due in the same second; read once a second for two minutes.
    const rate = new ProbeRate(0);
    const seen: number[] = [];
    for (let s = 1; s <= 120; s++) {
      if (s % 10 === 3) for (let i = 0; i < 3; i++) rate.count(false);
      if (s > 60) seen.push(rate.read(s * 1000).probesPerSecond);
      else rate.read(s * 1000);
    }
    for (const r of seen) {
      expect(r).toBeGreaterThan(0.25);
      expect(r).toBeLessThan(0.35);
    }
  });

  it('counts since start while younger than its window, and the failing share over the same span', () => {
    const rate = new ProbeRate(0);
    for (let i = 0; i < 4; i++) rate.count(i === 0);
    expect(rate.read(2_000)).toEqual({ probesPerSecond: 2, failingShare: 0.25, skippedShare: 0 });
    expect(rate.read(4_000)).toEqual({ probesPerSecond: 1, failingShare: 0.25, skippedShare: 0 });
  });

  it('forgets what fell out of the window', () => {
    const rate = new ProbeRate(0, 10_000);
    for (let i = 0; i < 50; i++) rate.count(true);
    rate.read(1_000);
    for (let s = 2; s <= 30; s++) rate.read(s * 1000);
    expect(rate.read(31_000)).toEqual({ probesPerSecond: 0, failingShare: null, skippedShare: null });
  });

  it('gives the share of due slots skipped from the scheduler\'s running total', () => {
    const rate = new ProbeRate(0, 10_000);
    for (let i = 0; i < 30; i++) rate.count(false);
    expect(rate.read(1_000, 10).skippedShare).toBe(0.25);
    // The running total is read as a difference: 10 more skipped, none probed.
    expect(rate.read(2_000, 20).skippedShare).toBe(0.4);
    for (let s = 3; s <= 20; s++) rate.read(s * 1000, 20);
    expect(rate.read(21_000, 20).skippedShare).toBeNull();
  });
});
