import { describe, expect, it } from 'vitest';
import { LogThrottle } from './log-throttle.js';

describe('LogThrottle', () => {
  it('lets the first line through, then one per period, each saying how many it stands for', () => {
    const t = new LogThrottle(10_000);
    expect(t.count(1, 0)).toBe(1);
    expect(t.count(3, 5_000)).toBeUndefined();
    expect(t.count(1, 9_999)).toBeUndefined();
    expect(t.count(2, 10_000)).toBe(6);
    expect(t.count(1, 10_001)).toBeUndefined();
  });
});
