import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isVonageSigned, vonageSignature } from './vonage-signature.js';

const SECRET = 'sig-secret-0123456789abcdef';
const now = Date.parse('2026-12-01T10:00:00Z');
const inbound = { msisdn: '447700900123', to: '447700900001', messageId: '0A0000000123ABCD1', text: 'ACK a1b2&c=3', type: 'text', keyword: 'ACK', 'message-timestamp': '2026-12-01 10:00:00', timestamp: String(now / 1000) };

describe('Vonage signed webhooks', () => {
  it('writes the sorted parameters as &name=value with & and = in values as _, then hashes or keys them with the secret', () => {
    const written = `&keyword=ACK&message-timestamp=2026-12-01 10:00:00&messageId=0A0000000123ABCD1&msisdn=447700900123&text=ACK a1b2_c_3&timestamp=${now / 1000}&to=447700900001&type=text`;
    expect(vonageSignature(inbound, SECRET, 'md5hash')).toBe(createHash('md5').update(written + SECRET).digest('hex'));
    expect(vonageSignature(inbound, SECRET, 'sha256')).toBe(createHmac('sha256', SECRET).update(written).digest('hex'));
    expect(vonageSignature({ ...inbound, sig: 'ignored' }, SECRET, 'sha512')).toBe(createHmac('sha512', SECRET).update(written).digest('hex'));
  });

  it('accepts its own signature in either case, and refuses another secret, a changed field, no sig or an old timestamp', () => {
    const sig = vonageSignature(inbound, SECRET, 'sha256');
    expect(isVonageSigned({ ...inbound, sig }, SECRET, 'sha256', now)).toBe(true);
    expect(isVonageSigned({ ...inbound, sig: sig.toUpperCase() }, SECRET, 'sha256', now)).toBe(true);
    expect(isVonageSigned({ ...inbound, sig }, `${SECRET}x`, 'sha256', now)).toBe(false);
    expect(isVonageSigned({ ...inbound, sig, msisdn: '447700900999' }, SECRET, 'sha256', now)).toBe(false);
    expect(isVonageSigned({ ...inbound, sig }, SECRET, 'md5hash', now)).toBe(false);
    expect(isVonageSigned(inbound, SECRET, 'sha256', now)).toBe(false);
    expect(isVonageSigned({ ...inbound, sig }, SECRET, 'sha256', now + 6 * 60_000)).toBe(false);
  });
});
