import { describe, expect, it } from 'vitest';
import { ProbeType } from '#lib/inventory';
import { IcmpProbe, ProbeRunner } from '#lib/probes';
import { testEgressPolicy } from '../support/test-egress.js';

const runner = new ProbeRunner([new IcmpProbe()], testEgressPolicy());

describe('ICMP probe through the system ping (iputils-ping)', () => {
  it('gets an echo reply from loopback', async () => {
    const result = await runner.run({ type: ProbeType.icmp, address: '127.0.0.1', timeoutMs: 3000, config: { count: 2 } });
    expect(result.status).toBe('up');
    expect(result.reason).toMatch(/^ICMP echo from 127\.0\.0\.1 in [\d.]+ ms$/);
  });

  it('is down, saying why, when the watchdog has no ping', async () => {
    const missing = new ProbeRunner([new IcmpProbe('/nonexistent/ping')], testEgressPolicy());
    const result = await missing.run({ type: ProbeType.icmp, address: '127.0.0.1', timeoutMs: 2000, config: {} });
    expect(result).toMatchObject({ status: 'down', reason: '/nonexistent/ping is not installed on this watchdog' });
  });
});
