import { describe, expect, it } from 'vitest';
import { percent, reportDuration } from '../apps/dashboard/src/lib/format.js';
import { allowedDowntimeMs, formatDuration, formatPercent } from '#lib/reports';

const DAY = 86_400_000;

describe('report figures print honestly, the same on every surface', () => {
  it.each([
    // 1 % of a 365-day year is 3 d 15 h 36 min: the dashboard used to print "3 d 15 h" (36 minutes short).
    [allowedDowntimeMs(99, 365 * DAY), '3 d 15 h 36 min'],
    // 99.99 % of 100.8 minutes allows 604.8 ms, rounded to the millisecond: not "1 s".
    [allowedDowntimeMs(99.99, 6_048_000), '0.605 s'],
    [604, '0.604 s'],
    [59_960, '59.96 s'],
    [3_600_000 + 1, '1 h 0.001 s'],
    [0, '0 s'],
    [-4_536_000, '−1 h 15 min 36 s'],
  ])('%i ms is "%s" on the customer page, in the e-mail and in the dashboard', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
    expect(reportDuration(ms)).toBe(text);
  });

  it('percentages are truncated to three decimals on both sides, never rounded up', () => {
    for (const a of [0.57, 0.999, 0.99999, 0.9999996, 738 / 740, 1]) {
      expect(percent(Math.round(a * 1e8) / 1e6)).toBe(formatPercent(a));
    }
    expect(formatPercent(0.9999996)).toBe('99.999 %');
    expect(formatPercent(0.57)).toBe('57.000 %');
  });
});
