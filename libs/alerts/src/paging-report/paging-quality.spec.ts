import { describe, expect, it } from 'vitest';
import { atNight, type IncidentTimes, type PageRow, pagingPerDay, pagingQuality, percentile, toCsv } from './paging-quality.js';

const at = (iso: string): Date => new Date(iso);
const page = (over: Partial<PageRow>): PageRow => ({ incident_id: 'i1', policy_id: 'p1', schedule_id: null, user_id: null, step: 0, status: 'sent', sent_at: at('2026-03-02T10:00:00Z'), target_key: '', ...over });
const incident = (id: string, over: Partial<IncidentTimes> = {}): [string, IncidentTimes] => [id, { id, opened_at: at('2026-03-02T09:59:00Z'), resolved_at: null, acknowledged_at: null, ...over }];
const options = { confirmationMs: 60_000, zoneOf: () => 'Europe/Madrid', inPeriod: () => true };

describe('paging quality arithmetic', () => {
  it('percentiles by nearest rank', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([10], 90)).toBe(10);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50)).toBe(5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
  });

  it('night is 22:00–07:00 in the zone given, across DST', () => {
    // 21:30 UTC on 28 March is 22:30 CET (night); on 29 March, 21:30 UTC is 23:30 CEST; 05:30 UTC is 07:30 CEST (day).
    expect(atNight(at('2026-03-28T21:30:00Z'), 'Europe/Madrid')).toBe(true);
    expect(atNight(at('2026-03-28T20:30:00Z'), 'Europe/Madrid')).toBe(false);
    expect(atNight(at('2026-03-30T05:30:00Z'), 'Europe/Madrid')).toBe(false);
    expect(atNight(at('2026-03-30T05:30:00Z'), 'America/New_York')).toBe(true);
  });

  it('counts pages, acknowledgements from the first page, noise and the last level per group', () => {
    const rows = [
      // i1: two levels, both delivered to the channel route p1; acknowledged 5 min after the first page.
      page({}),
      page({ step: 1, sent_at: at('2026-03-02T10:10:00Z') }),
      // i2: two levels, the second cancelled by the acknowledgement; lasted 30 s (noise); paged at midnight in Madrid.
      page({ incident_id: 'i2', sent_at: at('2026-03-02T23:00:00Z') }),
      page({ incident_id: 'i2', step: 1, status: 'cancelled', sent_at: null }),
      // Not pages: a schedule's resolution row and a delivery given up.
      page({ incident_id: 'i2', target_key: 'schedule:s1' }),
      page({ incident_id: 'i2', status: 'dead' }),
    ];
    const incidents = new Map([
      incident('i1', { acknowledged_at: at('2026-03-02T10:05:00Z') }),
      incident('i2', { opened_at: at('2026-03-02T22:59:50Z'), resolved_at: at('2026-03-02T23:00:20Z'), acknowledged_at: at('2026-03-02T23:00:10Z') }),
    ]);
    expect(pagingQuality(rows, incidents, 'route', options)).toEqual([
      { key: 'p1', pagesSent: 3, pagesAtNight: 1, incidentsPaged: 2, acknowledged: 2, ttaP50Seconds: 10, ttaP90Seconds: 300, noise: 1, reachedLastLevel: 1 },
    ]);
    // Schedules and people count personal pages only: none here.
    expect(pagingQuality(rows, incidents, 'person', options)).toEqual([]);
  });

  it('splits the pages by the day they were sent in the tenant’s zone, every day of the period listed, empty ones as zeros', () => {
    const rows = [
      // 23:30 UTC on 1 March is 00:30 on 2 March in Madrid: a page of the 2nd there.
      page({ incident_id: 'i1', sent_at: at('2026-03-01T23:30:00Z') }),
      page({ incident_id: 'i1', step: 1, sent_at: at('2026-03-01T23:40:00Z') }),
      page({ incident_id: 'i2', sent_at: at('2026-03-03T12:00:00Z') }),
      // Before the period: not counted, though its incident is.
      page({ incident_id: 'i2', sent_at: at('2026-02-28T12:00:00Z') }),
    ];
    const incidents = new Map([incident('i1', { acknowledged_at: at('2026-03-01T23:32:00Z') }), incident('i2')]);
    const days = pagingPerDay(rows, incidents, { ...options, from: at('2026-02-28T23:00:00Z'), to: at('2026-03-03T23:00:00Z'), timeZone: 'Europe/Madrid' });
    expect(days.map((d) => [d.day, d.pagesSent, d.incidentsPaged, d.acknowledged, d.ttaP50Seconds])).toEqual([
      ['2026-03-01', 0, 0, 0, null],
      ['2026-03-02', 2, 1, 1, 120],
      ['2026-03-03', 1, 1, 0, null],
    ]);
    expect(days[1]).toMatchObject({ pagesAtNight: 2, noise: 0, reachedLastLevel: 1 });
  });

  it('writes CSV a spreadsheet cannot mistake for formulas', () => {
    expect(toCsv(['a', 'b'], [['=cmd()', 'x,"y"'], [null, 3]])).toBe('a,b\r\n\'=cmd(),"x,""y"""\r\n,3\r\n');
  });
});
