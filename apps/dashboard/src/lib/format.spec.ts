import { afterEach, describe, expect, it } from 'vitest';
import { setClockChoice, setCompanyZone } from './clock.js';
import { forHowLong, localizeInstants, when } from './format.js';

describe('localizeInstants: instants in stored reasons, shown in the dashboard\'s clock', () => {
  afterEach(() => setClockChoice('browser'));

  it('rewrites every UTC instant of a verdict into the chosen zone, keeping its milliseconds and the rest of the text', () => {
    setCompanyZone('Europe/Madrid');
    setClockChoice('company');
    // (The locale pinned: the test must not depend on the machine's LANG; the dashboard uses the browser's.)
    const text = 'down: 2 of 2 vantages confirm it (quorum 2) — vm: down since 2026-12-02T21:17:03.895Z (refused); office: down since 2026-12-02T21:17:04Z (refused)';
    const shown = localizeInstants(text, undefined, 'en-US');
    expect(shown).not.toMatch(/2026-12-02T/);
    expect(shown).toContain('22:17:03.895');
    expect(shown).toContain('22:17:04');
    expect(shown).toMatch(/^down: 2 of 2 vantages confirm it \(quorum 2\) — vm: down since .*22:17:03\.895.* \(refused\); office: down since .*22:17:04.* \(refused\)$/);
  });

  it('across midnight the date follows the zone', () => {
    setCompanyZone('Asia/Tokyo');
    setClockChoice('company');
    expect(localizeInstants('since 2026-12-02T21:00:00.000Z', undefined, 'en-US')).toMatch(/Dec 3.*06:00:00/);
  });

  it('leaves text without instants, and things that only look like dates, alone', () => {
    expect(localizeInstants('HTTP 503 from 10.0.0.1:80')).toBe('HTTP 503 from 10.0.0.1:80');
    expect(localizeInstants('build 2026-12-02 ok')).toBe('build 2026-12-02 ok');
  });
});

describe('forHowLong: how long a fleet row has been in its state', () => {
  it('says "for" a duration, not "ago" (which read as the last check), and nothing for no state yet', () => {
    const now = Date.parse('2026-12-03T12:00:00Z');
    expect(forHowLong('2026-12-03T11:55:00Z', now)).toBe('for 5 min 0 s');
    expect(forHowLong('2026-12-03T11:59:59.500Z', now)).toBe('just now');
    expect(forHowLong(null, now)).toBe('—');
  });
});

describe('when: an instant in the dashboard\'s clock', () => {
  afterEach(() => setClockChoice('browser'));

  it('reads 24 hours, as the e-mails and the timeline do, whatever 12-hour habit the locale has', () => {
    setCompanyZone('UTC');
    setClockChoice('company');
    const shown = when('2026-12-02T21:17:03Z');
    expect(shown).toContain('21:17:03');
    expect(shown).not.toMatch(/[AP]M/i);
  });
});
