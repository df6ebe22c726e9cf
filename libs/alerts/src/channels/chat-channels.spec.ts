import { describe, expect, it } from 'vitest';
import { retryAfterMs } from './channel.js';
import { clip, incidentIdOf, RateGate, shortIdOf } from './chat-text.js';
import { twilioSignature } from './twilio-api.js';

describe('chat channel helpers', () => {
  it('cut a message to the limit with an ellipsis, never inside a surrogate pair', () => {
    expect(clip('abc', 3)).toBe('abc');
    expect(clip('abcdef', 4)).toBe('abc…');
    expect(clip('ab😀cd', 4)).toBe('ab…'); // the emoji would have been cut in half
    expect(clip('x'.repeat(5000), 4096)).toHaveLength(4096);
  });

  it('read Retry-After from the header, else a body’s retry_after (Discord) or parameters.retry_after (Telegram)', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(undefined, '{"retry_after":0.25}')).toBe(250);
    expect(retryAfterMs(undefined, '{"ok":false,"parameters":{"retry_after":7}}')).toBe(7000);
    expect(retryAfterMs(undefined, 'not json')).toBeUndefined();
    expect(retryAfterMs('Wed, 21 Oct 2026 07:28:00 GMT')).toBeUndefined(); // a date: the backoff decides
  });

  it('name the incident of a deduplication key, and its short id', () => {
    const key = 'vigia-incident-1a2b3c4d-0000-4000-8000-000000000001';
    expect(incidentIdOf(key)).toBe('1a2b3c4d-0000-4000-8000-000000000001');
    expect(shortIdOf(key)).toBe('1a2b3c4d');
    expect(shortIdOf('vigia-test-1a2b3c4d-0000-4000-8000-000000000001')).toBeUndefined();
  });

  it('sign as Twilio documents (its published example)', () => {
    const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    const params = (caller: string) => ({ CallSid: 'CA1234567890ABCDE', Caller: caller, Digits: '1234', From: caller, To: '+18005551212' });
    expect(twilioSignature('12345', url, params('+14158675309'))).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
    expect(twilioSignature('12345', url, params('+14158675310'))).toBe('GvWf1cFY/Q7PnoempGyD5oXAezc=');
  });
});

describe('RateGate', () => {
  it('spaces requests per key, lets other keys through, and puts back a turn more than 20 s away', async () => {
    const gate = new RateGate(50);
    const started = performance.now();
    expect(await gate.turn('a')).toBeUndefined();
    const order: string[] = [];
    await Promise.all([gate.turn('a').then(() => order.push('a')), gate.turn('b').then(() => order.push('b'))]);
    expect(order).toEqual(['b', 'a']); // the second 'a' waited its turn; 'b' did not wait for it
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    const slow = new RateGate(25_000);
    expect(await slow.turn('x')).toBeUndefined();
    const later = await slow.turn('x'); // 25 s away: put back, not waited for
    expect(later).toMatchObject({ ok: false });
    expect(later!.retryAfterMs).toBeGreaterThan(20_000);
    expect(await slow.turn('y')).toBeUndefined();
  });
});
