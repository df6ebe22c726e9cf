import { describe, expect, it } from 'vitest';
import { exactDuration, truncatedPercent, vantageStanding } from './operator-commands.js';

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

describe('vigia vantages: whether each votes, and why not', () => {
  const v = { central: false, revokedAt: null, lastHeartbeatAt: '2026-12-04T10:00:00.000Z', impairedSince: null, impairedReason: null };
  it('says healthy, impaired with its reason, waiting, or revoked', () => {
    expect(vantageStanding(v)).toBe('healthy, votes');
    expect(vantageStanding({ ...v, impairedSince: '2026-12-04T10:01:02.345Z', impairedReason: 'heartbeat late' })).toBe('impaired since 2026-12-04 10:01:02 UTC, does not vote: heartbeat late');
    expect(vantageStanding({ ...v, impairedSince: '2026-12-04T12:02:30.001Z', impairedReason: 'heartbeat late: none since 2026-12-04T12:02:24.621Z (bound 5.0 s)' }))
      .toBe('impaired since 2026-12-04 12:02:30 UTC, does not vote: heartbeat late: none since 2026-12-04 12:02:24 UTC (bound 5.0 s)');
    expect(vantageStanding({ ...v, lastHeartbeatAt: null })).toBe('waiting for its agent to connect: no votes until it does');
    // A central watchdog has no agent to wait for.
    expect(vantageStanding({ ...v, central: true, lastHeartbeatAt: null })).toBe('healthy, votes');
    expect(vantageStanding({ ...v, revokedAt: '2026-12-04T09:00:00Z' })).toBe('revoked 2026-12-04 09:00:00 UTC');
  });
});
