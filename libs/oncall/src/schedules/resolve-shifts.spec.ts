import { describe, expect, it } from 'vitest';
import { onCallAt, type RotationLayer, resolveShifts, type ScheduleRules } from './resolve-shifts.js';

const t = (iso: string): number => Date.parse(iso);
const iso = (ms: number): string => new Date(ms).toISOString().replace(':00.000Z', 'Z');
const layer = (over: Partial<RotationLayer>): RotationLayer => ({
  name: 'primary',
  participants: ['ana', 'ben'],
  rotation: { every: 1, unit: 'days' },
  start: '2026-01-05T09:00',
  restrictions: [],
  ...over,
});
const rules = (timeZone: string, layers: RotationLayer[], overrides: ScheduleRules['overrides'] = []): ScheduleRules => ({ timeZone, layers, overrides });
/** Shifts as `start–end who` lines (UTC), easy to read against the table. */
const lines = (r: ScheduleRules, from: string, to: string): string[] =>
  resolveShifts(r, t(from), t(to)).map((s) => `${iso(s.start)}–${iso(s.end)} ${s.userId ?? 'GAP'}${s.source && s.source !== 'primary' ? ` (${s.source})` : ''}`);

describe('handoffs across DST, in the schedule zone', () => {
  const cases: { name: string; r: ScheduleRules; from: string; to: string; want: string[] }[] = [
    {
      name: 'Madrid, daily at 09:00 over spring forward (29 Mar 2026): the 28th’s shift lasts 23 h',
      r: rules('Europe/Madrid', [layer({ start: '2026-03-27T09:00' })]),
      from: '2026-03-27T08:00:00Z',
      to: '2026-03-30T07:00:00Z',
      want: ['2026-03-27T08:00Z–2026-03-28T08:00Z ana', '2026-03-28T08:00Z–2026-03-29T07:00Z ben', '2026-03-29T07:00Z–2026-03-30T07:00Z ana'],
    },
    {
      name: 'Madrid, daily at 09:00 over fall back (25 Oct 2026): the 24th’s shift lasts 25 h',
      r: rules('Europe/Madrid', [layer({ start: '2026-10-24T09:00' })]),
      from: '2026-10-24T07:00:00Z',
      to: '2026-10-26T08:00:00Z',
      want: ['2026-10-24T07:00Z–2026-10-25T08:00Z ana', '2026-10-25T08:00Z–2026-10-26T08:00Z ben'],
    },
    {
      name: 'New York, weekly on Monday 09:00 over spring forward (8 Mar 2026): 167 h, then 168 h',
      r: rules('America/New_York', [layer({ start: '2026-03-02T09:00', rotation: { every: 1, unit: 'weeks' } })]),
      from: '2026-03-02T14:00:00Z',
      to: '2026-03-16T13:00:00Z',
      want: ['2026-03-02T14:00Z–2026-03-09T13:00Z ana', '2026-03-09T13:00Z–2026-03-16T13:00Z ben'],
    },
    {
      name: 'New York, a 02:30 handoff on the day 02:30 does not exist happens at 03:30 EDT',
      r: rules('America/New_York', [layer({ start: '2026-03-07T02:30' })]),
      from: '2026-03-07T07:30:00Z',
      to: '2026-03-09T06:30:00Z',
      // 02:30 EST = 07:30Z; on the 8th 02:30 is skipped → 03:30 EDT = 07:30Z; on the 9th 02:30 EDT = 06:30Z.
      want: ['2026-03-07T07:30Z–2026-03-08T07:30Z ana', '2026-03-08T07:30Z–2026-03-09T06:30Z ben'],
    },
    {
      name: 'New York, a 01:30 handoff on the day 01:30 happens twice takes the first (EDT)',
      r: rules('America/New_York', [layer({ start: '2026-10-31T01:30' })]),
      from: '2026-10-31T05:30:00Z',
      to: '2026-11-02T06:30:00Z',
      want: ['2026-10-31T05:30Z–2026-11-01T05:30Z ana', '2026-11-01T05:30Z–2026-11-02T06:30Z ben'],
    },
    {
      name: 'Madrid, 12-hour rotation counts real hours: 09:00/21:00 become 10:00/22:00 local after spring forward',
      r: rules('Europe/Madrid', [layer({ start: '2026-03-28T09:00', rotation: { every: 12, unit: 'hours' } })]),
      from: '2026-03-28T08:00:00Z',
      to: '2026-03-29T20:00:00Z',
      want: ['2026-03-28T08:00Z–2026-03-28T20:00Z ana', '2026-03-28T20:00Z–2026-03-29T08:00Z ben', '2026-03-29T08:00Z–2026-03-29T20:00Z ana'],
    },
  ];
  for (const c of cases) it(c.name, () => expect(lines(c.r, c.from, c.to)).toEqual(c.want));
});

describe('restrictions, layers, overrides and gaps', () => {
  const office = [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'] as const, from: '08:00', to: '18:00' }].map((r) => ({ ...r, days: [...r.days] }));
  const cases: { name: string; r: ScheduleRules; from: string; to: string; want: string[] }[] = [
    {
      name: 'Madrid weekdays 08:00–18:00 over the spring-forward weekend: gaps at night and on the weekend, 08:00 local on both sides',
      r: rules('Europe/Madrid', [layer({ start: '2026-03-23T08:00', rotation: { every: 1, unit: 'weeks' }, restrictions: office })]),
      from: '2026-03-27T00:00:00Z',
      to: '2026-03-31T00:00:00Z',
      want: [
        '2026-03-27T00:00Z–2026-03-27T07:00Z GAP',
        '2026-03-27T07:00Z–2026-03-27T17:00Z ana',
        '2026-03-27T17:00Z–2026-03-30T06:00Z GAP',
        // Monday the 30th: ben's week (handoff Mon 08:00 CEST = 06:00Z), office hours in CEST.
        '2026-03-30T06:00Z–2026-03-30T16:00Z ben',
        '2026-03-30T16:00Z–2026-03-31T00:00Z GAP',
      ],
    },
    {
      name: 'New York nights 22:00–06:00 across fall back: the night of 31 Oct lasts 9 h',
      r: rules('America/New_York', [layer({ start: '2026-10-26T22:00', participants: ['ana'], restrictions: [{ days: ['sat'], from: '22:00', to: '06:00' }] })]),
      from: '2026-10-31T00:00:00Z',
      to: '2026-11-02T00:00:00Z',
      want: ['2026-10-31T00:00Z–2026-11-01T02:00Z GAP', '2026-11-01T02:00Z–2026-11-01T11:00Z ana', '2026-11-01T11:00Z–2026-11-02T00:00Z GAP'],
    },
    {
      name: 'an override across a handoff covers both sides; the rotation resumes after it',
      r: rules('Europe/Madrid', [layer({ start: '2026-03-27T09:00' })], [{ userId: 'cho', startsAt: t('2026-03-28T06:00:00Z'), endsAt: t('2026-03-28T10:00:00Z') }]),
      from: '2026-03-28T00:00:00Z',
      to: '2026-03-28T12:00:00Z',
      want: ['2026-03-28T00:00Z–2026-03-28T06:00Z ana', '2026-03-28T06:00Z–2026-03-28T10:00Z cho (override)', '2026-03-28T10:00Z–2026-03-28T12:00Z ben'],
    },
    {
      name: 'overlapping overrides: the later one wins where they overlap',
      r: rules('UTC', [layer({ start: '2026-03-27T09:00' })], [
        { userId: 'cho', startsAt: t('2026-03-28T10:00:00Z'), endsAt: t('2026-03-28T14:00:00Z') },
        { userId: 'dan', startsAt: t('2026-03-28T12:00:00Z'), endsAt: t('2026-03-28T13:00:00Z') },
      ]),
      from: '2026-03-28T10:00:00Z',
      to: '2026-03-28T15:00:00Z',
      want: ['2026-03-28T10:00Z–2026-03-28T12:00Z cho (override)', '2026-03-28T12:00Z–2026-03-28T13:00Z dan (override)', '2026-03-28T13:00Z–2026-03-28T14:00Z cho (override)', '2026-03-28T14:00Z–2026-03-28T15:00Z ben'],
    },
    {
      name: 'an upper layer (nights) wins over the base rotation where it has someone',
      r: rules('Europe/Madrid', [
        layer({ start: '2026-03-23T09:00', participants: ['ana'], rotation: { every: 1, unit: 'weeks' } }),
        layer({ name: 'nights', start: '2026-03-23T20:00', participants: ['ben'], restrictions: [{ days: [...['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const], from: '20:00', to: '08:00' }] }),
      ]),
      from: '2026-03-27T12:00:00Z',
      to: '2026-03-28T12:00:00Z',
      want: ['2026-03-27T12:00Z–2026-03-27T19:00Z ana', '2026-03-27T19:00Z–2026-03-28T07:00Z ben (nights)', '2026-03-28T07:00Z–2026-03-28T12:00Z ana'],
    },
    {
      name: 'a layer with no participants leaves the whole period a gap',
      r: rules('Europe/Madrid', [layer({ participants: [] })]),
      from: '2026-03-27T00:00:00Z',
      to: '2026-03-28T00:00:00Z',
      want: ['2026-03-27T00:00Z–2026-03-28T00:00Z GAP'],
    },
    {
      name: 'before the first handoff nobody is on call',
      r: rules('Europe/Madrid', [layer({ start: '2026-03-27T09:00' })]),
      from: '2026-03-27T00:00:00Z',
      to: '2026-03-27T12:00:00Z',
      want: ['2026-03-27T00:00Z–2026-03-27T08:00Z GAP', '2026-03-27T08:00Z–2026-03-27T12:00Z ana'],
    },
  ];
  for (const c of cases) it(c.name, () => expect(lines(c.r, c.from, c.to)).toEqual(c.want));

  it('finds the right participant far after the start (a year of weekly handoffs, 3 people)', () => {
    const r = rules('America/New_York', [layer({ start: '2026-01-05T09:00', participants: ['ana', 'ben', 'cho'], rotation: { every: 1, unit: 'weeks' } })]);
    // 2027-01-04 is 52 weeks later: 52 % 3 = 1 → ben, from 09:00 EST (14:00Z).
    expect(onCallAt(r, t('2027-01-04T14:00:00Z'))).toMatchObject({ userId: 'ben', start: t('2027-01-04T14:00:00Z'), end: t('2027-01-11T14:00:00Z') });
    expect(onCallAt(r, t('2027-01-04T13:59:00Z')).userId).toBe('ana');
  });

  it('every instant of 14 days is in exactly one shift', () => {
    const r = rules('Europe/Madrid', [layer({ start: '2026-03-20T09:00', restrictions: office }), layer({ name: 'nights', participants: ['cho'], start: '2026-03-20T20:00', restrictions: [{ days: ['sat', 'sun'], from: '20:00', to: '08:00' }] })], [{ userId: 'dan', startsAt: t('2026-03-29T01:00:00Z'), endsAt: t('2026-03-29T03:00:00Z') }]);
    const from = t('2026-03-21T00:00:00Z');
    const shifts = resolveShifts(r, from, from + 14 * 86_400_000);
    expect(shifts[0]!.start).toBe(from);
    expect(shifts.at(-1)!.end).toBe(from + 14 * 86_400_000);
    for (let i = 1; i < shifts.length; i++) expect(shifts[i]!.start).toBe(shifts[i - 1]!.end);
  });
});
