import { EgressGuard, type EgressResolver, systemResolver } from './egress-guard.js';
import { refusal } from './egress-refused.error.js';
import { type Address, type AddressClass, classify, inAny, OPENABLE, parseAddress, parseCidrList } from './address-class.js';
import { EgressExceptions } from './egress-exceptions.js';

/**
 * Where an outbound connection is made from, and for whom. Today every tenant-caused connection leaves from a
 * platform vantage (a central watchdog or the API). Seam for the vantages issue: a tenant's *private* vantage runs
 * inside that tenant's network and may reach the private ranges the tenant declares; `judge` is where that rule goes.
 */
export interface EgressContext {
  /** The tenant whose configuration causes the connection (monitor, runbook, channel); undefined for platform work. */
  tenantId?: string;
  vantage: 'platform' | 'private';
}

/** What the operator configures (VIGIA_EGRESS_ALLOW, VIGIA_EGRESS_DENY): CIDRs or single addresses. */
export interface EgressRules {
  /** Opens ranges refused by default (loopback, link-local, private, CGNAT, ULA): e.g. a self-hosted company's LAN. */
  allow: readonly string[];
  /** The provider's own networks (control plane, database, other customers' hosting): refused even if allowed. */
  deny: readonly string[];
}

export const DEFAULT_EGRESS_RULES: EgressRules = { allow: [], deny: [] };

export type EgressVerdict = { allowed: true } | { allowed: false; why: string };

/** Verdicts remembered at most (a fleet's distinct address × port × tenant); past it they are forgotten and judged again. */
const MAX_REMEMBERED_VERDICTS = 50_000;


/**
 * The one egress policy: judges an IP address (after DNS resolution, never a name) for a connection a tenant
 * causes. Refused from platform vantages: loopback, link-local (cloud metadata included), multicast, unspecified,
 * broadcast, private ranges (RFC 1918, CGNAT, ULA) and the provider's networks. The operator's allow-list opens
 * the "private" kinds; the deny-list and the never-openable kinds (metadata, multicast, …) win over it.
 */
export class EgressPolicy {
  private readonly allow: [Address, number][];
  private readonly deny: [Address, number][];
  /** Per-tenant exact `address:port` exceptions (the live demo's own servers): see egress-exceptions.ts. */
  readonly exceptions = new EgressExceptions();
  /**
   * Verdicts already given, by address, port and context: a watchdog judges the same few addresses on every probe,
   * and parsing and classifying each one was ~2.5 % of its CPU. A verdict depends on the rules (fixed at start) and
   * on the exceptions: any grant or revoke forgets them all.
   */
  private readonly verdicts = new Map<string, EgressVerdict>();
  private verdictsAt = 0;

  constructor(
    readonly rules: EgressRules = DEFAULT_EGRESS_RULES,
    private readonly resolver: EgressResolver = systemResolver,
  ) {
    this.allow = parseCidrList(rules.allow);
    this.deny = parseCidrList(rules.deny);
  }

  /** The policy bound to one context: what a probe, step, channel or SSH connection is given. */
  guard(context: EgressContext): EgressGuard {
    return new EgressGuard(this, context, this.resolver);
  }

  /**
   * Judges one address as the kernel would reach it. A string that is no IP address is refused (names are resolved
   * first). `port`: the port the connection goes to, when the caller knows it; only then can a tenant's exact
   * exception (`exceptions`) apply.
   */
  judge(ip: string, context: EgressContext, port?: number): EgressVerdict {
    if (this.verdictsAt !== this.exceptions.version || this.verdicts.size >= MAX_REMEMBERED_VERDICTS) {
      this.verdicts.clear();
      this.verdictsAt = this.exceptions.version;
    }
    const key = `${ip}|${port ?? ''}|${context.tenantId ?? ''}|${context.vantage}`;
    let verdict = this.verdicts.get(key);
    if (!verdict) {
      verdict = Object.freeze(this.judgeNow(ip, context, port));
      this.verdicts.set(key, verdict);
    }
    return verdict;
  }

  private judgeNow(ip: string, context: EgressContext, port?: number): EgressVerdict {
    const address = parseAddress(ip);
    if (!address) return { allowed: false, why: `${ip} is not an IP address` };
    const shown = ip === address.toString() ? ip : `${ip} (${address.toString()})`;
    if (inAny(address, this.deny)) return { allowed: false, why: `${shown} is in the provider's networks` };
    const kind: AddressClass | undefined = classify(address);
    if (!kind) return { allowed: true };
    if (OPENABLE.has(kind) && inAny(address, this.allow)) return { allowed: true };
    // The narrow exception: this tenant, this loopback address, this port — nothing wider (egress-exceptions.ts).
    if (kind === 'loopback' && this.exceptions.allows(context.tenantId, address.toString(), port)) return { allowed: true };
    // Vantages issue: `context.vantage === 'private'` may open the tenant's own declared private ranges here.
    void context;
    return { allowed: false, why: `${shown} is ${kind}` };
  }

  /** Throws EgressRefusedError when `ip` is refused. */
  assert(ip: string, context: EgressContext): void {
    const verdict = this.judge(ip, context);
    if (!verdict.allowed) throw refusal(verdict.why);
  }

  /**
   * For save-time checks: the refusal reason when `value` is an address literal (any spelling the resolver would
   * accept: `2130706433`, `0x7f000001`, `[::1]`, …) that the policy refuses; undefined for names (they are judged
   * at connect time, after resolution) and for allowed addresses.
   */
  literalRefusal(value: string, context: EgressContext, port?: number): string | undefined {
    const parsed = parseAddress(value);
    if (!parsed) return undefined;
    // A host's address has no port of its own: accepted at save when the tenant has an exception on this address
    // (some port); what connects to it later is judged with its port.
    if (port === undefined && classify(parsed) === 'loopback' && !inAny(parsed, this.deny) && this.exceptions.coversAddress(context.tenantId, parsed.toString())) return undefined;
    const verdict = this.judge(value.replace(/^\[|\]$/g, ''), context, port);
    return verdict.allowed ? undefined : `refused by egress policy: ${verdict.why}`;
  }
}
