import { describe, expect, it } from 'vitest';
import { ResultsCap } from './results-cap.js';

describe('the per-vantage results cap', () => {
  it('takes ten seconds of burst, then the rate', () => {
    const cap = new ResultsCap(100, 0);
    expect(cap.take(800, 0)).toBe(800);
    expect(cap.take(800, 0)).toBe(200);
    expect(cap.take(50, 0)).toBe(0);
    expect(cap.take(500, 1000)).toBe(100);
    expect(cap.take(500, 3500)).toBe(250);
  });

  it('never holds more than ten seconds of results, however long the vantage was quiet', () => {
    const cap = new ResultsCap(10, 0);
    expect(cap.take(1000, 3_600_000)).toBe(100);
  });
});
