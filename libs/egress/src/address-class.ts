import ipaddr from 'ipaddr.js';

/** Why an address is special; undefined for an ordinary public unicast address. */
export type AddressClass =
  | 'loopback' | 'link-local' | 'multicast' | 'unspecified' | 'broadcast' | 'private (RFC 1918)'
  | 'carrier-grade NAT (RFC 6598)' | 'unique-local (private IPv6)' | 'site-local (private IPv6)' | 'cloud metadata'
  | 'Teredo (tunnels to an unknown IPv4)';

/** Classes an operator may open with VIGIA_EGRESS_ALLOW; the others are refused whatever the allow-list says. */
export const OPENABLE: ReadonlySet<AddressClass> = new Set<AddressClass>([
  'loopback', 'link-local', 'private (RFC 1918)', 'carrier-grade NAT (RFC 6598)', 'unique-local (private IPv6)', 'site-local (private IPv6)',
]);

// Instance metadata services (AWS/GCP/Azure/OpenStack IPv4, AWS IPv6): credentials live there, never opened.
const METADATA = ['169.254.169.254/32', 'fd00:ec2::254/128'].map((cidr) => ipaddr.parseCIDR(cidr));

const V4_CLASSES: Record<string, AddressClass> = {
  unspecified: 'unspecified', broadcast: 'broadcast', multicast: 'multicast', linkLocal: 'link-local', loopback: 'loopback',
  carrierGradeNat: 'carrier-grade NAT (RFC 6598)', private: 'private (RFC 1918)',
};
const V6_CLASSES: Record<string, AddressClass> = {
  unspecified: 'unspecified', linkLocal: 'link-local', multicast: 'multicast', loopback: 'loopback', uniqueLocal: 'unique-local (private IPv6)',
  deprecated: 'site-local (private IPv6)', teredo: 'Teredo (tunnels to an unknown IPv4)',
};

export type Address = ipaddr.IPv4 | ipaddr.IPv6;

/**
 * Parses an address as the operating system will use it, and unwraps IPv6 forms that carry an IPv4 address the
 * kernel or a NAT64 gateway would reach (`::ffff:127.0.0.1`, `::ffff:0:127.0.0.1`, `64:ff9b::7f00:1`, 6to4
 * `2002:7f00:1::`, IPv4-compatible `::127.0.0.1`): the embedded IPv4 is what gets judged.
 * Loose IPv4 spellings (`2130706433`, `0x7f000001`, `0177.0.0.1`, `127.1`) parse as inet_aton does.
 */
export function parseAddress(text: string): Address | undefined {
  const bare = text.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (!ipaddr.isValid(bare)) return undefined;
  return unwrap(ipaddr.parse(bare));
}

function unwrap(address: Address): Address {
  if (address.kind() === 'ipv4') return address;
  const v6 = address as ipaddr.IPv6;
  const range = v6.range();
  const p = v6.parts;
  const v4 = (hi: number, lo: number): ipaddr.IPv4 => new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  if (range === 'ipv4Mapped' || range === 'rfc6145' || range === 'rfc6052') return v4(p[6]!, p[7]!);
  if (range === '6to4') return v4(p[1]!, p[2]!);
  // IPv4-compatible (::a.b.c.d, deprecated): judge the IPv4 inside, but not :: and ::1 themselves.
  if (p.slice(0, 6).every((x) => x === 0) && (p[6]! !== 0 || p[7]! > 1)) return v4(p[6]!, p[7]!);
  return v6;
}

/** The special class of an (unwrapped) address, or undefined for public unicast. */
export function classify(address: Address): AddressClass | undefined {
  if (METADATA.some((cidr) => address.kind() === cidr[0].kind() && address.match(cidr))) return 'cloud metadata';
  const range = address.range();
  return address.kind() === 'ipv4' ? V4_CLASSES[range] : V6_CLASSES[range];
}

export function parseCidrList(list: readonly string[]): [Address, number][] {
  return list.map((cidr) => (cidr.includes('/') ? ipaddr.parseCIDR(cidr) : singleHost(cidr)));
}

function singleHost(text: string): [Address, number] {
  const address = ipaddr.parse(text);
  return [address, address.kind() === 'ipv4' ? 32 : 128];
}

/** True when the address falls in one of the ranges (an IPv4 never matches an IPv6 range and back). */
export function inAny(address: Address, ranges: readonly [Address, number][]): boolean {
  return ranges.some(([base, bits]) => base.kind() === address.kind() && address.match(base, bits));
}
