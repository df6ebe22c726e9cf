import { describe, expect, it } from 'vitest';
import type { AlertMessage } from './channel.js';
import { chatText } from './chat-text.js';
import { forPeople, localInstant } from './human-time.js';
import { smsText } from './twilio-sms.channel.js';

const message: AlertMessage = {
  kind: 'resolve',
  dedupKey: 'vigia-incident-1a2b3c4d-0000-4000-8000-000000000001',
  summary: 'www on web1 recovered after 4 min 12 s (www http)',
  severity: 'critical',
  source: '10.0.0.11',
  since: '2026-12-03T03:12:05.895Z',
  details: {
    reason: 'up again from 2 of 2 vantages (central since 2026-12-03T03:16:17.101Z, agent-1 since 2026-12-03T03:16:17.260Z)',
    down_since: '2026-12-03T03:12:05.895Z',
    resolved_at: '2026-12-03T03:16:17.895Z',
    down_for: '4 min 12 s',
    outages: [{ since: '2026-07-01T22:30:00Z' }],
    runbook: 'step failed\n2026-12-03T03:13:00Z',
  },
  timeZone: 'Europe/Madrid',
};

describe('instants in alerts people read', () => {
  it('are in the tenant\'s zone, summer and winter, with the zone named', () => {
    expect(localInstant('2026-12-03T03:12:05.895Z', 'Europe/Madrid')).toBe('2026-12-03 04:12:05 +01:00 Europe/Madrid');
    expect(localInstant('2026-07-01T22:30:00Z', 'Europe/Madrid')).toBe('2026-07-02 00:30:00 +02:00 Europe/Madrid');
    // The hour lived twice when clocks go back (25 October 2026): the offset tells them apart.
    expect(localInstant('2026-10-25T00:30:00Z', 'Europe/Madrid')).toBe('2026-10-25 02:30:00 +02:00 Europe/Madrid');
    expect(localInstant('2026-10-25T01:30:00Z', 'Europe/Madrid')).toBe('2026-10-25 02:30:00 +01:00 Europe/Madrid');
    expect(localInstant('2026-12-03T03:12:05Z', 'Asia/Kolkata')).toBe('2026-12-03 08:42:05 +05:30 Asia/Kolkata');
    expect(localInstant('2026-12-03T03:12:05Z', 'America/New_York')).toBe('2026-12-02 22:12:05 -05:00 America/New_York');
    expect(localInstant('2026-12-03T03:12:05Z', 'UTC')).toBe('2026-12-03 03:12:05 UTC');
    expect(localInstant('2026-12-03T03:12:05Z', 'Etc/UTC')).toBe('2026-12-03 03:12:05 UTC');
    expect(localInstant('2026-12-03T03:12:05Z', 'Europe/London')).toBe('2026-12-03 03:12:05 +00:00 Europe/London'); // offset nought, but a zone with summer time
    expect(localInstant('2026-12-03T03:12:05Z', 'Mars/Olympus')).toBe('2026-12-03T03:12:05Z'); // unknown zone: the UTC truth
  });

  it('in chat, SMS and e-mail texts, every instant of the reason and details; machine payloads keep UTC', () => {
    const chat = chatText(message);
    expect(chat).toContain('since 2026-12-03 04:12:05 +01:00 Europe/Madrid');
    expect(chat).toContain('central since 2026-12-03 04:16:17 +01:00 Europe/Madrid, agent-1 since 2026-12-03 04:16:17 +01:00 Europe/Madrid');
    expect(chat).toContain('Recovered at: 2026-12-03 04:16:17 +01:00 Europe/Madrid');
    expect(chat).toContain('Down for: 4 min 12 s');
    expect(chat).toContain('\n- since 2026-07-02 00:30:00 +02:00 Europe/Madrid\n');
    expect(chat).toContain('Runbook: step failed\n2026-12-03 04:13:00 +01:00 Europe/Madrid');
    expect(chat).not.toMatch(/\d{2}:\d{2}:\d{2}(\.\d+)?Z/);
    expect(smsText(message, 1600)).toMatch(/^\[RESOLVED\] www on web1 recovered after 4 min 12 s \(www http\)\nsince 2026-12-03 04:12:05 \+01:00 Europe\/Madrid\nup again/);
    // The stored message is unchanged: webhooks and PagerDuty send it as written.
    expect(message.since).toBe('2026-12-03T03:12:05.895Z');
    expect(forPeople(forPeople(message))).toEqual(forPeople(message));
  });

  it('read in UTC when the message was stored before it carried a zone', () => {
    const { timeZone: _zone, ...old } = message;
    expect(chatText(old)).toContain('since 2026-12-03 03:12:05 UTC');
  });
});
