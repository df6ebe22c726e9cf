import { describe, expect, it } from 'vitest';
import { ClockOffset } from './clock-offset.js';

describe('an agent clock offset, applied to its timestamps', () => {
  it('before any heartbeat: unknown, timestamps unchanged', () => {
    const clock = new ClockOffset();
    expect(clock.estimate()).toBeNull();
    expect(clock.toApiTime(1_000_000)).toBe(1_000_000);
  });

  it('the largest recent sample is the estimate (the one with the least latency in it)', () => {
    const clock = new ClockOffset();
    // True offset +1500 ms; one-way latencies 40, 3 and 120 ms.
    clock.sample(11_500 - 40, 10_000);
    clock.sample(21_500 - 3, 20_000);
    expect(clock.sample(31_500 - 120, 30_000)).toBe(1497);
    expect(clock.toApiTime(51_500)).toBe(50_003);
  });

  it('forgets samples older than the last five (a clock that was set right is followed within 10 s)', () => {
    const clock = new ClockOffset();
    clock.sample(1_900, 0);
    for (let i = 1; i <= 5; i++) clock.sample(i * 2000 + 100, i * 2000);
    expect(clock.estimate()).toBe(100);
  });

  it('within ±2 s corrected either way; beyond the bound kept as sent (the vantage is impaired, not corrected by a guess)', () => {
    const behind = new ClockOffset();
    behind.sample(8_000, 10_000);
    expect(behind.toApiTime(100_000)).toBe(102_000);
    const ahead = new ClockOffset();
    ahead.sample(12_001, 10_000);
    expect(ahead.toApiTime(100_000)).toBe(100_000);
  });
});
