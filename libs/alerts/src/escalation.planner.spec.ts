import { describe, expect, it } from 'vitest';
import { afterQuietHours, expandSteps, matches } from './escalation.planner.js';

const at = (iso: string) => Date.parse(iso);

describe('escalation planning', () => {
  it('matches routes on every non-empty criterion', () => {
    const facts = { serviceType: 'mail', customerIds: ['c1'], hostTags: ['dc1', 'mx'] };
    expect(matches({}, facts)).toBe(true);
    expect(matches({ serviceTypes: ['mail', 'web'] }, facts)).toBe(true);
    expect(matches({ serviceTypes: ['mysql'] }, facts)).toBe(false);
    expect(matches({ serviceTypes: ['mail'], hostTags: ['dc2'] }, facts)).toBe(false);
    expect(matches({ customerIds: ['c9', 'c1'] }, facts)).toBe(true);
    expect(matches({ serviceTypes: ['mail'] }, { serviceType: null, customerIds: [], hostTags: [] })).toBe(false);
    expect(matches({ severities: ['critical'] }, facts)).toBe(true);
    expect(matches({ severities: ['warning', 'info'] }, { ...facts, severity: 'warning' })).toBe(true);
    expect(matches({ severities: ['warning'] }, facts)).toBe(false);
  });

  it('repeats the last step three times while unacknowledged, and drops channels no longer enabled', () => {
    const steps = expandSteps({ steps: [{ delayMinutes: 0, channelIds: ['mail'] }, { delayMinutes: 5, channelIds: ['pager', 'gone'] }], repeatMinutes: 15 }, new Set(['mail', 'pager']));
    expect(steps.map((s) => [s.index, s.delayMinutes, s.channelIds.join(',')])).toEqual([
      [0, 0, 'mail'], [1, 5, 'pager'], [2, 20, 'pager'], [3, 35, 'pager'], [4, 50, 'pager'],
    ]);
  });

  it('defers deliveries that fall in quiet hours to their end, in the tenant time zone, across midnight', () => {
    const quiet = { start: '22:00', end: '07:00' };
    expect(afterQuietHours(at('2026-11-22T21:30:00Z'), quiet, 'UTC')).toBe(at('2026-11-22T21:30:00Z'));
    expect(afterQuietHours(at('2026-11-22T23:15:00Z'), quiet, 'UTC')).toBe(at('2026-11-23T07:00:00Z'));
    expect(afterQuietHours(at('2026-11-23T03:00:20Z'), quiet, 'UTC')).toBe(at('2026-11-23T07:00:00Z'));
    // 21:30 UTC is 22:30 in Madrid (winter): quiet there until 07:00 local = 06:00 UTC.
    expect(afterQuietHours(at('2026-11-22T21:30:00Z'), quiet, 'Europe/Madrid')).toBe(at('2026-11-23T06:00:00Z'));
    expect(afterQuietHours(at('2026-11-22T12:00:00Z'), { start: '09:00', end: '17:00' }, 'UTC')).toBe(at('2026-11-22T17:00:00Z'));
    expect(afterQuietHours(at('2026-11-22T12:00:00Z'), null, 'UTC')).toBe(at('2026-11-22T12:00:00Z'));
  });
});
