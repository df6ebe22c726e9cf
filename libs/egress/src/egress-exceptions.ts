import { parseAddress } from './address-class.js';

/** One endpoint a tenant may reach although the policy refuses its address: exactly this address and port. */
export interface EgressEndpoint {
  address: string;
  port: number;
}

interface Grant {
  why: string;
  endpoints: Set<string>;
  addresses: Set<string>;
}

/**
 * Narrow, explicit exceptions to the egress policy: a tenant may reach an exact list of loopback `address:port`
 * endpoints, and nothing else of that address or range. Granted by the process that runs those endpoints (the live
 * demo's servers in the API process) for as long as they run, and revoked when they stop; never a range, never
 * another tenant's, never a kind other than loopback, and the operator's deny-list still wins. Held in memory: the
 * grant lives exactly as long as the servers it names.
 */
export class EgressExceptions {
  private readonly grants = new Map<string, Grant>();
  /** Bumped on every grant and revoke: the policy's remembered verdicts are dropped when it changes. */
  private changes = 0;

  get version(): number {
    return this.changes;
  }

  /** Replaces the tenant's exception with `endpoints` (address literals, exact ports). */
  grant(tenantId: string, endpoints: readonly EgressEndpoint[], why: string): void {
    const keys = new Set<string>();
    const addresses = new Set<string>();
    for (const endpoint of endpoints) {
      const address = parseAddress(endpoint.address);
      if (!address || address.range() !== 'loopback') throw new Error(`egress exception: ${endpoint.address} is not a loopback address`);
      if (!Number.isInteger(endpoint.port) || endpoint.port < 1 || endpoint.port > 65_535) throw new Error(`egress exception: bad port ${endpoint.port}`);
      keys.add(`${address.toString()}:${endpoint.port}`);
      addresses.add(address.toString());
    }
    this.grants.set(tenantId, { why, endpoints: keys, addresses });
    this.changes++;
  }

  revoke(tenantId: string): void {
    this.grants.delete(tenantId);
    this.changes++;
  }

  /** The reason when `tenantId` may reach exactly `address:port` (address normalized by the policy). */
  allows(tenantId: string | undefined, address: string, port: number | undefined): string | undefined {
    if (!tenantId || port === undefined) return undefined;
    const grant = this.grants.get(tenantId);
    return grant?.endpoints.has(`${address}:${port}`) ? grant.why : undefined;
  }

  /** Save-time only (a host's address has no port): the tenant has an exception on some port of `address`. */
  coversAddress(tenantId: string | undefined, address: string): boolean {
    return !!tenantId && !!this.grants.get(tenantId)?.addresses.has(address);
  }

  /** What is granted now, for the start banner and the tests. */
  list(): { tenantId: string; why: string; endpoints: string[] }[] {
    return [...this.grants].map(([tenantId, g]) => ({ tenantId, why: g.why, endpoints: [...g.endpoints] }));
  }
}
