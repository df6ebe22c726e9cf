import { matching, oneOf } from '#lib/common';
import { CIDR4, IFNAME } from '../document/definition.js';
import { absolutePath, intRange } from './resource-fields.js';
import { defineResourceKind } from './resource-kind.js';
import { failOverToStandby } from './standby-failover.js';

export const vipGroupKind = defineResourceKind({
  type: 'vip_group',
  description: 'A virtual IP held by one member at a time (ip or keepalived), moved to a healthy standby',
  config: {
    address: matching(CIDR4, 'an IPv4 address with prefix length, e.g. 10.0.0.100/24'),
    interface: matching(IFNAME, 'a network interface name'),
    mode: oneOf(['ip', 'keepalived'], { message: 'must be ip or keepalived' }).optional(),
    trackFile: absolutePath('an absolute file path').optional(),
    demoteWeight: intRange(-254, -1).optional(),
  },
  members: { are: 'Hosts that may hold the address, in preference order: the first holds it at creation' },
  secrets: [],
  runbooks: { failure: 'builtin/web-vip-failover' },
  onMemberDown: failOverToStandby,
  onMemberBack: 'failback',
  // A former holder that returns still has the address configured: fenced (VIP removed) before it can answer ARP.
  fenceReturning: { method: 'vip' },
});
