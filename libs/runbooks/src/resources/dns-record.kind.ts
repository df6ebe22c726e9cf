import { address, httpUrl, matching, oneOf } from '#lib/common';
import { dnsName, hostRef, intRange } from './resource-fields.js';
import { defineResourceKind } from './resource-kind.js';
import { failOverToStandby } from './standby-failover.js';

export const dnsRecordKind = defineResourceKind({
  type: 'dns_record',
  description: 'A DNS record pointed at a healthy member (RFC 2136 or the PowerDNS API)',
  config: {
    provider: oneOf(['rfc2136', 'powerdns'], { message: 'must be rfc2136 or powerdns' }).optional(),
    server: address('must be the authoritative server address'),
    port: intRange(1, 65535).optional(),
    zone: dnsName(),
    name: dnsName(),
    type: oneOf(['A', 'AAAA', 'CNAME'], { message: 'must be A, AAAA or CNAME' }).optional(),
    ttl: intRange(1, 86_400).optional(),
    tsigKeyName: dnsName().optional(),
    tsigAlgorithm: matching(/^hmac-(md5|sha1|sha224|sha256|sha384|sha512)$/, 'an HMAC algorithm such as hmac-sha256').optional(),
    via: hostRef('a host id (nsupdate runs there over SSH)').optional(),
    apiUrl: httpUrl('must be an http(s) URL').optional(),
    serverId: matching(/^(?!-)[A-Za-z0-9_.-]{1,64}$/, 'a PowerDNS server id').optional(),
  },
  members: { are: 'Hosts the record may point at, in preference order: the first at creation', value: 'Record value (empty: the host’s first address)' },
  secrets: ['tsigSecret', 'apiKey'],
  runbooks: { failure: 'builtin/dns-failover' },
  onMemberDown: failOverToStandby,
  onMemberBack: 'failback',
});
