import { describe, expect, it } from 'vitest';
import { EgressPolicy } from './egress-policy.js';

const context = (tenantId?: string) => ({ tenantId, vantage: 'platform' as const });

describe('EgressPolicy verdicts, remembered', () => {
  it('gives the same verdict when asked again, for each address, port and tenant apart', () => {
    const policy = new EgressPolicy({ allow: ['10.0.0.0/8'], deny: ['10.9.0.0/16'] });
    for (let round = 0; round < 2; round++) {
      expect(policy.judge('10.1.2.3', context('t1'), 80)).toEqual({ allowed: true });
      expect(policy.judge('10.9.2.3', context('t1'), 80)).toEqual({ allowed: false, why: "10.9.2.3 is in the provider's networks" });
      expect(policy.judge('127.0.0.1', context('t1'), 80)).toEqual({ allowed: false, why: '127.0.0.1 is loopback' });
      expect(policy.judge('::ffff:127.0.0.1', context('t1'), 80)).toEqual({ allowed: false, why: '::ffff:127.0.0.1 (127.0.0.1) is loopback' });
      expect(policy.judge('not-an-ip', context('t1'), 80)).toEqual({ allowed: false, why: 'not-an-ip is not an IP address' });
    }
  });

  it('forgets them when an exception is granted or revoked: the exact tenant and port only', () => {
    const policy = new EgressPolicy();
    expect(policy.judge('127.0.0.1', context('demo'), 4000).allowed).toBe(false);
    policy.exceptions.grant('demo', [{ address: '127.0.0.1', port: 4000 }], 'the live demo');
    expect(policy.judge('127.0.0.1', context('demo'), 4000).allowed).toBe(true);
    expect(policy.judge('127.0.0.1', context('demo'), 4001).allowed).toBe(false);
    expect(policy.judge('127.0.0.1', context('other'), 4000).allowed).toBe(false);
    expect(policy.judge('127.0.0.1', context(), 4000).allowed).toBe(false);
    policy.exceptions.revoke('demo');
    expect(policy.judge('127.0.0.1', context('demo'), 4000).allowed).toBe(false);
  });
});
