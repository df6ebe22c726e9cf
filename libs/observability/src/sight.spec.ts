import { describe, expect, it } from 'vitest';
import { Sight } from './sight.js';

describe('Sight: whether the process can see, and since when', () => {
  it('blind while any reason holds; since is the earliest, kept while a reason lasts; seeing again when all are gone', () => {
    const sight = new Sight();
    expect(sight.status()).toEqual({ seeing: true, since: null, reasons: [] });
    sight.blind('probes', 'no probe has completed for 31 s', new Date('2026-11-30T03:12:30Z'));
    sight.blind('database', 'database gone', new Date('2026-11-30T03:12:00Z'));
    // A later report of the same reason refreshes its text, not its start.
    sight.blind('database', 'database still gone', new Date('2026-11-30T03:13:00Z'));
    expect(sight.status()).toEqual({
      seeing: false,
      since: new Date('2026-11-30T03:12:00Z'),
      reasons: [
        { source: 'database', reason: 'database still gone', since: new Date('2026-11-30T03:12:00Z') },
        { source: 'probes', reason: 'no probe has completed for 31 s', since: new Date('2026-11-30T03:12:30Z') },
      ],
    });
    expect(sight.blindFor(Date.parse('2026-11-30T03:14:00Z'))).toBe(120_000);
    sight.sees('database');
    expect(sight.status().since).toEqual(new Date('2026-11-30T03:12:30Z'));
    sight.sees('probes');
    sight.sees('probes');
    expect(sight.status()).toEqual({ seeing: true, since: null, reasons: [] });
    expect(sight.blindFor()).toBeUndefined();
  });
});
