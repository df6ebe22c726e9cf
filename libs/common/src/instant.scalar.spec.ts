import { Kind } from 'graphql';
import { describe, expect, it } from 'vitest';
import { InstantScalar } from './instant.scalar.js';

describe('InstantScalar: an instant names its offset', () => {
  it('takes ISO 8601 with Z or an offset, as the instant it names', () => {
    expect(InstantScalar.parseValue('2026-12-05T09:00:00+01:00')).toEqual(new Date('2026-12-05T08:00:00Z'));
    expect(InstantScalar.parseValue('2026-12-05T08:00:00.123Z')).toEqual(new Date('2026-12-05T08:00:00.123Z'));
    expect(InstantScalar.parseValue('2026-10-25T02:30:00+01:00')).toEqual(new Date('2026-10-25T01:30:00Z'));
    expect(InstantScalar.parseLiteral({ kind: Kind.STRING, value: '2026-12-05T09:00-03:00' })).toEqual(new Date('2026-12-05T12:00:00Z'));
    expect(InstantScalar.serialize(new Date('2026-12-05T08:00:00Z'))).toBe('2026-12-05T08:00:00.000Z');
  });

  it('refuses a time without its offset, a bare date, a date that does not exist, and anything not a string', () => {
    for (const value of ['2026-12-05T09:00', '2026-12-05', 'tomorrow', '', 1_796_956_598_000, null]) {
      expect(() => InstantScalar.parseValue(value), String(value)).toThrow(/A DateTime needs its UTC offset or Z/);
    }
    expect(() => InstantScalar.parseValue('2026-02-30T09:00:00Z')).toThrow('A DateTime must be a real date and time');
    expect(() => InstantScalar.parseLiteral({ kind: Kind.INT, value: '5' })).toThrow(/UTC offset/);
  });
});
