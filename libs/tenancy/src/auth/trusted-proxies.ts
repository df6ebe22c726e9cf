import { BlockList, isIP } from 'node:net';

/** `::ffff:192.0.2.1` (an IPv4 client on a dual-stack socket) is 192.0.2.1. */
function plain(address: string): string {
  const trimmed = address.trim();
  return /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(trimmed) ? trimmed.slice(7) : trimmed;
}

/**
 * Which client an HTTP request or WebSocket comes from. `X-Forwarded-For` is believed only when the connection comes
 * from a configured trusted proxy (VIGIA_TRUSTED_PROXIES), and then only as far as the chain of trusted proxies
 * goes: the first address from the right that is not a trusted proxy is the client. Anyone else could write any
 * address into the header and pick whose failure budget they spend.
 */
export class TrustedProxies {
  private readonly list = new BlockList();
  private readonly empty: boolean;

  constructor(entries: readonly string[]) {
    this.empty = entries.length === 0;
    for (const entry of entries) {
      const [address = '', prefix] = entry.split('/');
      const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      if (prefix === undefined) this.list.addAddress(address, type);
      else this.list.addSubnet(address, Number(prefix), type);
    }
  }

  trusts(address: string): boolean {
    if (this.empty) return false;
    const ip = plain(address);
    const version = isIP(ip);
    return version !== 0 && this.list.check(ip, version === 6 ? 'ipv6' : 'ipv4');
  }

  clientAddress(remote: string | undefined, forwardedFor: string | string[] | undefined): string {
    let client = plain(remote ?? 'unknown');
    if (!this.trusts(client) || !forwardedFor) return client;
    const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor).split(',').map(plain).filter(Boolean);
    while (hops.length) {
      const hop = hops.pop()!;
      if (!isIP(hop)) return client;
      client = hop;
      if (!this.trusts(hop)) return client;
    }
    return client;
  }
}
