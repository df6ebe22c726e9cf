import { describe, expect, it } from 'vitest';
import { exactDuration, truncatedPercent } from './operator-commands.js';

describe('vigia report: figures as the reports print them', () => {
  it('truncates the percentage (99.998999 % is not 99.999 %)', () => {
    expect(truncatedPercent(99.998999)).toBe('99.998 %');
    expect(truncatedPercent(57)).toBe('57.000 %');
    expect(truncatedPercent(100)).toBe('100.000 %');
  });

  it('gives every unit of a duration, to the millisecond (not "3.4 min")', () => {
    expect(exactDuration(204_500)).toBe('3 min 24.5 s');
    expect(exactDuration(605)).toBe('0.605 s');
    expect(exactDuration(7_500_000)).toBe('2 h 5 min');
    expect(exactDuration(0)).toBe('0 s');
    expect(exactDuration(null)).toBe('-');
  });
});
