import { EgressPolicy } from '#lib/egress';

/**
 * What test servers need from the egress policy: the real policy is on in every test, and tests reach their
 * stand-ins (HTTP, SMTP, DNS on 127.0.0.1, the network-namespace lab on 10.x) because the harness opens exactly
 * these ranges, as an operator would with VIGIA_EGRESS_ALLOW. Egress tests start without it.
 */
export const TEST_EGRESS_ALLOW = '127.0.0.0/8,::1/128,10.0.0.0/8';

/** The policy a hand-built ProbeRunner gets in tests: the production rules plus the test ranges. */
export function testEgressPolicy(): EgressPolicy {
  return new EgressPolicy({ allow: TEST_EGRESS_ALLOW.split(','), deny: [] });
}
