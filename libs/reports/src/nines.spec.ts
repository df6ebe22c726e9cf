import { describe, expect, it } from 'vitest';
import { allowedDowntimeMs, errorBudget, formatDuration, nines, targetPpm } from './nines.js';

const DAY = 86_400_000;

describe('nines and error budgets, exactly', () => {
  it.each([
    [99.9, 30 * DAY, '43 min 12 s'],
    [99.9, 365 * DAY, '8 h 45 min 36 s'],
    [99.99, 365 * DAY, '52 min 33.6 s'],
    [99.95, 31 * DAY, '22 min 19.2 s'],
    [100, 30 * DAY, '0 s'],
  ])('%s %% over %i ms allows %s', (target, period, text) => {
    expect(formatDuration(allowedDowntimeMs(target, period))).toBe(text);
  });

  it('counts nines', () => {
    expect(nines(0.999)).toBe(3);
    expect(nines(0.9995)).toBe(3.3);
    expect(nines(1)).toBeNull();
  });

  it('tracks the budget used and a breach', () => {
    expect(errorBudget(99.9, 30 * DAY, 20 * 60_000)).toMatchObject({ allowedMs: 2_592_000, remainingMs: 1_392_000, breached: false });
    expect(errorBudget(99.9, 30 * DAY, 50 * 60_000).breached).toBe(true);
  });

  it('refuses targets it cannot represent exactly', () => {
    expect(() => targetPpm(101)).toThrow(/target/);
    expect(() => targetPpm(99.123456)).toThrow(/four decimals/);
  });
});
