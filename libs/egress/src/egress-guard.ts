import { lookup as systemLookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import { parseAddress } from './address-class.js';
import type { EgressContext, EgressPolicy } from './egress-policy.js';
import { refusal } from './egress-refused.error.js';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Name → addresses. The system resolver by default; tests pass a resolver asking a local DNS stand-in. */
export type EgressResolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: EgressResolver = async (hostname) =>
  (await systemLookup(hostname, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

/**
 * The egress policy bound to one context (tenant, vantage): what every tenant-caused connection goes through.
 * `resolve` resolves a name once, judges every address and returns an allowed one; the caller then connects to
 * that very address (or passes `pinnedLookup(resolved)`), so a DNS answer that changes between check and connect
 * (rebinding) cannot reach anything that was not checked.
 */
export class EgressGuard {
  constructor(
    readonly policy: EgressPolicy,
    readonly context: EgressContext,
    private readonly resolver: EgressResolver,
  ) {}

  /**
   * Resolves `host` (a name, or an address in any spelling) and returns the first address the policy allows.
   * `port`: where the connection goes (only with it can a tenant's exact address:port exception apply).
   */
  async resolve(host: string, port?: number): Promise<ResolvedAddress> {
    const bare = host.replace(/^\[|\]$/g, '');
    const family = isIP(bare);
    // Not an address literal: names and the loose spellings getaddrinfo accepts (2130706433, 0x7f.1) resolve to
    // the address the kernel would use, which is what gets judged.
    const candidates = family ? [{ address: bare, family: family as 4 | 6 }] : await this.resolver(bare);
    if (!candidates.length) throw new Error(`${host} has no address`);
    let why = '';
    for (const candidate of candidates) {
      const verdict = this.policy.judge(candidate.address, this.context, port);
      if (verdict.allowed) return candidate;
      why ||= family ? verdict.why : `${verdict.why} (${host} resolved to it)`;
    }
    // Configured when the host is an address in any spelling (`2130706433` too, as the save-time check reads it).
    throw refusal(why, family !== 0 || parseAddress(bare) !== undefined);
  }

  /** Save-time check of a value the tenant typed: the refusal when it is a refused address literal (names pass). */
  literalRefusal(value: string): string | undefined {
    return this.policy.literalRefusal(value, this.context);
  }

  /** Save-time check of a URL's host (literal addresses only; names are judged when connecting). */
  urlRefusal(value: string): string | undefined {
    try {
      const url = new URL(value);
      return this.policy.literalRefusal(url.hostname, this.context, urlPort(url));
    } catch {
      return undefined;
    }
  }

  /** A Unix socket is never reachable from a tenant's configuration (it would be this machine's own services). */
  refuseUnixSocket(path: string): never {
    throw refusal(`unix socket ${path} is not reachable from tenant configuration`, true);
  }
}

/** A `lookup` that answers with one already judged address (for clients that would otherwise resolve again). */
export function pinnedLookup(resolved: ResolvedAddress): LookupFunction {
  return (_hostname, options, callback) => (options.all ? callback(null, [resolved]) : callback(null, resolved.address, resolved.family));
}

/** The port a URL connects to: its own, or its scheme's default. */
export function urlPort(url: URL): number | undefined {
  if (url.port) return Number(url.port);
  return ({ 'http:': 80, 'https:': 443, 'tcp:': undefined } as Record<string, number | undefined>)[url.protocol];
}
