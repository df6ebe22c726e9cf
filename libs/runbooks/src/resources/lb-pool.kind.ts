import { matching, oneOf } from '#lib/common';
import { hostRef, intRange } from './resource-fields.js';
import { defineResourceKind } from './resource-kind.js';

export const lbPoolKind = defineResourceKind({
  type: 'lb_pool',
  description: 'A load-balancer pool (HAProxy or IPVS): a member down is drained, back and healthy it is restored',
  config: {
    driver: oneOf(['haproxy', 'ipvs'], { message: 'must be haproxy or ipvs' }),
    // Judged by the egress policy in `check` below: a Unix socket has its own refusal, before the URL rule.
    runtimeApi: matching(/^(tcp:\/\/[^\s/]+:\d+|unix:\/[^\s]+)$/, 'tcp://host:port or unix:/path').optional(),
    backend: matching(/^(?!-)[A-Za-z0-9_.:-]{1,64}$/, 'a backend name (not starting with -)').optional(),
    director: hostRef('a host id').optional(),
    service: matching(/^\d+\.\d+\.\d+\.\d+:\d+$/, 'VIP:port').optional(),
    port: intRange(1, 65535).optional(),
  },
  members: { are: 'The real servers of the pool: every one serves, a member down is drained', value: 'HAProxy server name (empty: the host name)', weight: 'Weight restored when it is back (empty: 1)' },
  secrets: [],
  check(config, judge) {
    const need = config.driver === 'ipvs' ? ['director', 'service'] : ['runtimeApi', 'backend'];
    for (const key of need) if (config[key] === undefined) return [key, `is required for a ${String(config.driver)} pool`];
    if (typeof config.runtimeApi === 'string') {
      if (config.runtimeApi.startsWith('unix:')) return ['runtimeApi', 'refused by egress policy: a Unix socket is this machine\'s, not the tenant\'s; use tcp://host:port'];
      const refused = judge.urlRefusal(config.runtimeApi);
      if (refused) return ['runtimeApi', refused];
    }
    return undefined;
  },
  runbooks: { failure: 'builtin/pool-member-out', recovery: 'builtin/pool-member-in' },
  // Every member serves: no primary, each one down drained on its own.
  onMemberDown: 'drain',
  onMemberBack: 'restore',
});
