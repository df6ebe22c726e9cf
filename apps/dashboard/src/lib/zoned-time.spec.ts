import { describe, expect, it } from 'vitest';
import { timeZoneNames, wallClockToInstant, ZoneUnknownError } from './zoned-time.js';

describe('wall-clock times read in a zone', () => {
  it.each([
    ['2026-12-10T10:00', 'Asia/Tokyo', '2026-12-10T01:00:00Z'],
    ['2026-12-10T10:00', 'Europe/Madrid', '2026-12-10T09:00:00Z'],
    ['2026-07-10T10:00', 'Europe/Madrid', '2026-07-10T08:00:00Z'],
    ['2026-07-10T10:00', 'America/New_York', '2026-07-10T14:00:00Z'],
    // Skipped by the spring-forward (02:00 → 03:00 on 29 March in Madrid): moved forward by the gap.
    ['2026-03-29T02:30', 'Europe/Madrid', '2026-03-29T01:30:00Z'],
    // Twice on 25 October in Madrid: the first (summer time) occurrence.
    ['2026-10-25T02:30', 'Europe/Madrid', '2026-10-25T00:30:00Z'],
  ])('%s in %s is %s', async (local, zone, instant) => {
    expect(await wallClockToInstant(local, zone)).toBe(instant);
  });

  it('leaves an empty or unreadable value for the API to name', async () => {
    expect(await wallClockToInstant('', 'UTC')).toBe('');
    expect(await wallClockToInstant('2026-13-40T10:00', 'UTC')).toBe('2026-13-40T10:00');
  });

  it('refuses a zone it cannot read rather than send the bare wall-clock time (the server would read it in its own zone)', async () => {
    await expect(wallClockToInstant('2026-12-10T10:00', 'Mars/Olympus_Mons')).rejects.toBeInstanceOf(ZoneUnknownError);
  });

  it('lists zones sorted, with UTC and the current value', () => {
    const zones = timeZoneNames('Etc/GMT+5');
    expect(zones).toContain('UTC');
    expect(zones).toContain('Europe/Madrid');
    expect(zones).toContain('Etc/GMT+5');
    expect(zones).toEqual([...zones].sort());
  });
});
